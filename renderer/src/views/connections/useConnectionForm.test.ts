import { describe, expect, it } from 'vitest';
import type { ConnectionSummary } from '../../../../common/connections';
import { toInput, useConnectionForm } from './useConnectionForm';

const saved: ConnectionSummary = {
  id: 'c1',
  name: 'Prod',
  color: '#E53935',
  baseUrl: 'https://dir.example.org',
  auth: { method: 'password', username: 'ada' },
  tls: { ca: null, caName: null, trustedFingerprint: null },
  proxy: { mode: 'system' },
  builtin: false,
  hasSecret: true,
  lastConnectedAt: null,
  kind: 'userdeck',
};

describe('connection form', () => {
  it('names each missing or wrong field, and only shows it once touched or after a try', () => {
    const form = useConnectionForm(null);
    expect(form.errorOf('name')).toBeUndefined();
    form.touch('name');
    expect(form.errorOf('name')).toBe('connections.form.errors.required');
    expect(form.check()).toBe(false);
    expect(form.errorOf('baseUrl')).toBe('connections.form.errors.url');
    expect(form.errorOf('username')).toBe('connections.form.errors.required');
    expect(form.errorOf('secret')).toBe('connections.form.errors.required');

    Object.assign(form.model, { name: 'Staging', baseUrl: 'https://user:pw@dir.example.org', username: 'ada', secret: 'x' });
    expect(form.errorOf('baseUrl')).toBe('connections.form.errors.url');
    form.model.baseUrl = 'https://dir.example.org';
    form.model.proxyMode = 'custom';
    form.model.proxyUrl = 'https://proxy:3128';
    expect(form.errorOf('proxyUrl')).toBe('connections.form.errors.proxyUrl');
    form.model.proxyUrl = 'http://proxy:3128';
    expect(form.check()).toBe(true);
  });

  it('keeps the saved secret on edit unless the auth method changes', () => {
    const form = useConnectionForm(saved);
    expect(form.check()).toBe(true);
    expect(form.input()).not.toHaveProperty('secret');
    form.model.method = 'token';
    expect(form.check()).toBe(false);
    expect(form.errorOf('secret')).toBe('connections.form.errors.required');
  });

  it('sends what main expects: auth by method, CA kept/removed/new, proxy', () => {
    const form = useConnectionForm(saved);
    Object.assign(form.model, { method: 'oauth2', tokenUrl: 'https://idp/token', clientId: 'app', scope: '  ', secret: 's' });
    expect(toInput(form.model)).toEqual({
      name: 'Prod',
      color: '#E53935',
      baseUrl: 'https://dir.example.org',
      auth: { method: 'oauth2', tokenUrl: 'https://idp/token', clientId: 'app', scope: null },
      secret: 's',
      tls: { trustedFingerprint: null },
      proxy: { mode: 'system' },
    });
    form.model.caFile = null;
    expect(toInput(form.model).tls).toEqual({ trustedFingerprint: null, caFile: null });
    form.model.caFile = { handle: '2f1c7c3e-6a7d-4d4c-9a55-0b1f5b6f0c11', name: 'ca.pem', size: 10 };
    expect(toInput(form.model).tls?.caFile).toBe('2f1c7c3e-6a7d-4d4c-9a55-0b1f5b6f0c11');
  });
});
