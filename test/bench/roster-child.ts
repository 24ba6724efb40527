/** Runs the roster CLI in this process and reports its own peak memory (for bench/roster.ts). */
import { main } from '../../rules/cli/screen.ts';

const code = await main(process.argv.slice(2));
process.stdout.write(
  `${JSON.stringify({ code, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
);
