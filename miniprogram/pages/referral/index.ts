// TODO(issue 17): the referral page; for now it only carries the language (lib/stub-page.ts).
import { stubPage } from '../../lib/stub-page';

stubPage('web.site.name');
