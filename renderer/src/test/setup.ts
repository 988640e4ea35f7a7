// Vuetify measures the viewport and observes resizes; happy-dom provides neither by default.
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= ResizeObserverStub as unknown as typeof ResizeObserver;

// Overlays (menus, snackbars, dialogs) position themselves against the visual viewport.
if (!('visualViewport' in globalThis)) {
  const viewport = Object.assign(new EventTarget(), {
    width: 1280,
    height: 800,
    offsetLeft: 0,
    offsetTop: 0,
    pageLeft: 0,
    pageTop: 0,
    scale: 1,
  });
  Object.defineProperty(globalThis, 'visualViewport', { value: viewport, configurable: true });
}
