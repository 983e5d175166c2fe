import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * Code that runs in Lambda validates with zod/mini: functional checks that esbuild can tree-shake,
 * where classic zod attaches every method to every schema. Unlike classic zod, zod/mini installs no
 * locale, so without this every issue would read "Invalid input". Importing only the English locale
 * (not `z.locales`) keeps the other 40-odd locales out of the bundles.
 *
 * http/schemas/common.ts (so every schema module) and the change-task handler import this for its effect.
 */
z.config(en());
