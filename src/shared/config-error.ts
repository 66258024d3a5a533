/**
 * A setting with a bad value, named: main and the admin CLI print its message and exit non-zero.
 * Thrown by config.ts for the environment, and by the modules it passes settings down to when a
 * setting's value turns out bad where they read it (a generated key file, for one).
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}
