/** The local runtime's console output, silenced as a whole for tests (`quiet`). */
export interface Logger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export function consoleLogger(quiet = false): Logger {
  return {
    info: (message) => {
      if (!quiet) console.log(message);
    },
    // Errors are printed even when quiet: a failing handler must never go unnoticed in a test run.
    error: (message, error) => {
      if (error === undefined) console.error(message);
      else console.error(message, error);
    },
  };
}
