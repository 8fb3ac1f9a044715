/**
 * zod, configured once for every schema: jitless. zod 4 otherwise probes `new Function` to compile
 * fast object parsers; under the site's Content-Security-Policy (no 'unsafe-eval') that probe is
 * reported as a `securitypolicyviolation` even though zod catches the throw. Import z from here.
 */
import { z } from 'zod';

z.config({ jitless: true });

export { z };
