import { fileURLToPath } from 'node:url';

/** The repository root: manifest entries, the lock file and statemachines/ are relative to it. */
export const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
