import { describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { UserdeckError } from '../../api/userdeck';
import { useNotificationsStore } from '../../stores/notifications';
import { mountWithApp } from '../../test/mount';
import NoticeSnackbar from './NoticeSnackbar.vue';

describe('NoticeSnackbar', () => {
  it('shows typed errors translated with their parameters, one at a time', async () => {
    const { wrapper } = mountWithApp(NoticeSnackbar, { locale: 'fr', attachTo: document.body });
    const notices = useNotificationsStore();
    notices.reportError(new UserdeckError({ code: 'badFile', key: 'errors.badFile', params: { name: 'gens.csv' } }));
    notices.reportError(new Error('something untyped'));
    await nextTick();
    expect(document.body.textContent).toContain('Le fichier gens.csv est illisible.');
    notices.dismiss(notices.queue[0]!.id);
    await nextTick();
    expect(document.body.textContent).toContain('Un problème est survenu dans Userdeck.');
    wrapper.unmount();
  });
});
