/** A console action over HTTP: which one is running, and the sentence of the last refusal. */
import { useCallback, useState } from 'react';
import { describeError } from '../api/http.client';

export interface Action {
  /** The name of the action running, or null. */
  readonly busy: string | null;
  readonly error: string | null;
  /** Runs `action` unless another is running; true when it succeeded. */
  run(name: string, action: () => Promise<unknown>): Promise<boolean>;
}

export function useAction(): Action {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (name: string, action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(name);
    setError(null);
    try {
      await action();
      return true;
    } catch (failure) {
      setError(describeError(failure));
      return false;
    } finally {
      setBusy(null);
    }
  }, []);
  return { busy, error, run };
}
