/**
 * A reader that stops early (`mlops-guardian simulate FILE | head`) closes our stdout; the
 * next write fails with EPIPE. That is the reader saying "enough", not an error: end quietly
 * with status 0, as Unix tools do, instead of printing `Error: write EPIPE`.
 */
export function endQuietlyWhenOutputCloses(
  streams: NodeJS.WriteStream[] = [process.stdout, process.stderr],
): void {
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }
}
