import { onBeforeUnmount, ref, watch, type Ref } from 'vue';

/** A copy of `source` that follows it once it has been still for `ms` (typing in a search box). */
export function useDebounced<T>(source: Ref<T>, ms = 300): Ref<T> {
  const value = ref(source.value) as Ref<T>;
  let timer: ReturnType<typeof setTimeout> | undefined;
  watch(source, (next) => {
    clearTimeout(timer);
    timer = setTimeout(() => (value.value = next), ms);
  });
  onBeforeUnmount(() => clearTimeout(timer));
  return value;
}
