// TODO(issue 17): the results page; for now it only carries the language (lib/stub-page.ts).
import { stubPage } from '../../lib/stub-page';

stubPage('chat.results.title');
