/**
 * Imported first by the executable's entries (main.ts, worker.ts), so the
 * embedding is in place before any other module of ours is evaluated.
 */
import { installEmbedding } from '../runtime/engine/paths.js';
import { standaloneEmbedding } from './embedding.js';

installEmbedding(standaloneEmbedding());
