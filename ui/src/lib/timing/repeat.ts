// Periodic reloads of a component's data: run now, then every `ms`, until the returned stop function is called (an
// `$effect` returns it, so the timer ends with the component).

/** Runs `load` at once and then every `ms` milliseconds; returns the function that stops it. */
export function repeat(ms: number, load: () => unknown): () => void {
  void load();
  const timer = setInterval(() => void load(), ms);
  return () => clearInterval(timer);
}
