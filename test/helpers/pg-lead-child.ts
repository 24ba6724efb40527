/**
 * A second instance for the leadership test: takes the lead named on the command line on the
 * database given, says "leader" once it holds it, and then only waits (to be SIGKILLed).
 */
import { pgLeadership } from '../../bot/store/pg/leadership.ts';

const [url, name] = process.argv.slice(2);
if (!url || !name) throw new Error('usage: pg-lead-child.ts <database url> <lead name>');
const lead = await pgLeadership(url, name);
const announce = () => process.stdout.write('leader\n');
if (lead.isLeader()) announce();
else lead.onChange((leader) => leader && announce());
setInterval(() => {}, 60_000);
