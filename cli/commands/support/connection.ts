import { createApiClient, type ApiClient } from '../../../electron/services/api/index';
import { usageError } from '../../cli-error';

/** An API client for `--url URL --token T`; both are required together. */
export function connect(values: { url?: string; token?: string }): ApiClient {
  if (!values.url) throw usageError('missing --url URL');
  if (!values.token) throw usageError('missing --token T');
  let url: URL;
  try {
    url = new URL(values.url);
  } catch {
    throw usageError(`--url is not a URL: ${values.url}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError('--url must be http:// or https://');
  return createApiClient({
    baseUrl: values.url.replace(/\/+$/, ''),
    credentials: { method: 'token', token: values.token },
    retry: { maxAttempts: 3 },
  });
}
