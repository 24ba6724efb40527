/** What the staff pages need. */
import type { ReferralRecord } from '../../bot/referral/referral-record.ts';
import type { Collection } from '../../bot/store/collection-store.ts';
import type { CaseDeadlines } from '../../rules/engine/rule-file-schema.ts';
import type { Screener } from '../../rules/engine/screen.ts';
import type { WechatState } from '../../bot/channels/wechat/wechat-channel.ts';
import type { StaffNotices } from '../notices/staff-notices.ts';
import type { PosterCodeMaker } from './poster-code.ts';
import type { StaffStorage } from './staff-storage.ts';

export interface StaffDeps {
  staff: StaffStorage;
  referrals: Collection<ReferralRecord>;
  screener: Screener;
  /** The county's townships, by county id. */
  townships: (county: string) => readonly { id: string; name: Record<'zh' | 'ug' | 'kk', string> }[];
  /** Days per open status before a case is overdue (county configuration; undefined: none set). */
  deadlines: (county: string) => CaseDeadlines | undefined;
  /** Called after a status change that matters to the resident (notices in their language). */
  onStatusChange: (r: ReferralRecord) => void;
  now: () => Date;
  /** New-referral notices to townships (webhook, WeChat). */
  notices: StaffNotices;
  wechatState: () => WechatState | undefined;
  /** Roster uploads (政策找人); unset: 10 MiB, results kept an hour, uploads in the system temp dir. */
  roster?: RosterSettings;
  /** The mini-program code for posters (the WeChat API client); unset: the page says "not set up". */
  posterCode?: PosterCodeMaker;
}

export interface RosterSettings {
  /** ROSTER_MAX_BYTES: the largest upload. */
  maxBytes: number;
  /** ROSTER_RESULTS_MINUTES in ms: how long results stay in memory. */
  keepMs: number;
  /** Where an upload waits while it is screened (0700; emptied at start-up). */
  uploadDir: string;
}
