// `node --import <this file> app.mjs`: installs ./count-alova-loader.mjs.
// ALOVA_E2E_PACKAGE picks the alova build (alova | alova-3213 | alova2).
// ALOVA_E2E_ALIASES (JSON, optional) redirects other packages, e.g. {"express":"express4"}.
import { register } from 'node:module';

register('./count-alova-loader.mjs', import.meta.url, {
  data: {
    alovaPackage: process.env.ALOVA_E2E_PACKAGE || 'alova',
    resolveFrom: import.meta.url,
    aliases: process.env.ALOVA_E2E_ALIASES ? JSON.parse(process.env.ALOVA_E2E_ALIASES) : {},
  },
});
