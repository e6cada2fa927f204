/** Load something for a settings section, with its error, and a way to load it again. */
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../../api/http.client';

export type Loaded<T> = { readonly state: 'loading' } | { readonly state: 'failed'; readonly message: string } | { readonly state: 'ready'; readonly value: T };

export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  // The caller names what the load depends on, as with useEffect.
  const run = useCallback(load, deps);
  const reload = useCallback(() => {
    run()
      .then((value) => setLoaded({ state: 'ready', value }))
      .catch((error: unknown) => setLoaded({ state: 'failed', message: describeError(error) }));
  }, [run]);
  useEffect(reload, [reload]);
  return [loaded, reload];
}
