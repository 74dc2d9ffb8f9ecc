/** `promise`, or a rejection naming `what` once `ms` have passed without it settling (never a hang). */
export async function within<T>(ms: number, promise: Promise<T>, what = 'an answer'): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
