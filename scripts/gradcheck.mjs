#!/usr/bin/env node
// Entry point of `npx gradcheck`: runs the TypeScript command line through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
