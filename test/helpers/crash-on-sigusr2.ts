/**
 * Preloaded (`node -r`) into a process under test: SIGUSR2 makes it crash with an uncaught
 * exception, thrown from an event handler as a real bug would be.
 */
process.on('SIGUSR2', () => {
  throw new Error('simulated crash');
});
