/**
 * Criteria and process facts the seeds state in words rather than numbers. Each carries a
 * verbatim quote; test/rules/citations.test.ts checks the quote is in the named seed.
 */
import type { ScreenContext } from './context.ts';
import { standingOf } from './documents.ts';
import type { Source } from './result.ts';

/** The verbatim quote behind each citation, for test/rules/citations.test.ts. */
export const citationQuotes = new Map<Source, string>();

/** A frozen Source shared by every result that cites it; the quote is kept beside it. */
function cite(file: string, clause: string, quote: string): Source {
  const source = Object.freeze({ file, clause });
  citationQuotes.set(source, quote);
  return source;
}

const TEKES = '000_7e61b05d1b9914e4.txt';
const QITAI = '001_299b8fb7a515ed1f.txt';
const XX = '002_ad5741657ba6fee7.txt';
const JILIN = '003_02de095244a51ad9.txt';
const WENGYUAN = '004_3c5a3db425884a3d.txt';

export const citations = {
  dibaoProperty: cite(JILIN, '三(二)', '且家庭财产情况符合当地申请最低生活保障家庭经济状况认定条件'),
  dibaoDifference: cite(XX, '二(一)', '按照家庭人均收入低于当地农村低保标准的差额发放低保金'),
  jilinDeductionAmount: cite(JILIN, '三(二)', '低保补助金，按照低保标准与扣减后所核算收入的差额发放'),
  noDecisionWithoutProcess: cite(WENGYUAN, '二', '一律不得纳入最低生活保障和特困人员供养范围'),
  tekesTierA: cite(TEKES, '三(一)', '城乡低保对象中的无任何收入的重病重残'),
  tekesTierB: cite(
    TEKES,
    '三(二)',
    '家庭成员中有因年老、未成年、残疾、患重大疾病等导致部分丧失劳动能力或生活自理能力的比较困难家庭',
  ),
  tekesTierC: cite(TEKES, '三(三)', '因其他原因造成家庭困难的一般困难家庭'),
  tekesHomeVisit: cite(TEKES, '七(二)', '落实入户调查责任'),
  tekesPublicNotice: cite(TEKES, '七(三)', '低保对象类别认定结果要在各村（居）民委员会进行公示'),
  applyAtTownship: cite(QITAI, '一(四)', '乡镇受县人民政府委托，负责低收入人口的申请受理'),
  tekunCriteria: cite(
    XX,
    '二(四)',
    '无劳动能力、无生活来源、无法定赡养抚养扶养义务人或者其法定义务人无履行义务能力',
  ),
  marginalProperty: cite(QITAI, '一(一)', '且财产状况符合低保边缘家庭财产规定的家庭'),
  rigidDisposableIncome: cite(QITAI, '一(一)', '共同生活家庭成员年人均收入低于上年度当地居民人均可支配收入'),
  singleNational: cite(XX, '二(二)', '重病患者是指未脱贫建档立卡贫困户中获得重特大疾病医疗救助的人员'),
  temporaryCriteria: cite(
    QITAI,
    '三(九)1',
    '对遭遇突发性、紧迫性、灾难性困难导致 基本生活暂时出现严重困难的人员',
  ),
  temporaryTownApproves: cite(WENGYUAN, '三', '小额临时救助由镇人民政府负责审批发放'),
  educationHomeSchooling: cite(
    QITAI,
    '三(八)2',
    '对在义务教育阶段年龄内，通过评估无法正常入学就读的残疾学生',
  ),
  housingUrban: cite(
    QITAI,
    '三(八)3',
    '对符合当地住房保障条件的城市最低生活保障家庭、城市分散供养特困人员以及最低生活保障边缘家庭等住房困难家庭',
  ),
  housingRural: cite(
    QITAI,
    '三(八)3',
    '因病因灾因意外事故等刚性支出较大或收入大幅缩减导致基本生活出现严重困难的家庭',
  ),
  employmentDisabled: cite(QITAI, '三(八)4', '落实对超比例安置残疾人就业企 业的奖励政策、残疾人就业补助政策'),
  disasterPriority: cite(QITAI, '三(八)5', '重点关 注倒损住房重建户和受灾的最低生活保障对象'),
  supplementCritical: cite(JILIN, '三(三)', '按不低于当地低保标准60%比例增发补助金'),
  supplementBase: cite(
    JILIN,
    '三(三)',
    '对于低保家庭中的70周岁以上老年人、二级以上视力（智力、肢体、精神）残疾人员、老残一体人员、一户多残人员以及多重残疾人员',
  ),
  // Issue 14's work packages each append only between their own fences, so they merge cleanly.
  // — dibao (WP1) —
  // — end dibao (WP1) —
  // — tekun/supplement/temporary (WP2) —
  supplementGroups: cite(
    JILIN,
    '三(三)',
    '对农村低保家庭中的老年人、未成年人、重度残疾人、重病患者、一户多残人员、老残一体人员以及当地县级以上政府或民政部门认定的其他特殊困难人员给予重点保障',
  ),
  supplementOther: cite(
    JILIN,
    '三(三)',
    '对于低保家庭中的其他特殊困难人员，由当地民政部门根据实际困难程度，自行确定增发补助金比例',
  ),
  temporaryPending: cite(
    QITAI,
    '三(九)1',
    '对申请最低生活保障、特困人员救助供养的困难群众，申请办理期间基本生活暂时陷入困境的，可以视情先按照1-2个月的标准给予临时救助',
  ),
  // — end tekun/supplement/temporary (WP2) —
  // — process (WP3) —
  // Property limits and "the township decides" as each county's own document says them; the
  // dibao and 特困 rules pick among them with pickCitation (propertyCitations, townshipDecidesCitations).
  propertyTekes: cite(TEKES, '一', '严格按照国家、自治区、自治州最低生活保障有关认定、管理等政策执行'),
  propertyQitai: cite(
    QITAI,
    '一(一)',
    '最低生活 保障对象、特困人员以及防止返贫监测对象的认定按照现有规定 执行',
  ),
  // 004 names property only where it sends a family whose 财产 is over the line elsewhere.
  propertyWengyuan: cite(WENGYUAN, '二', '经审核其收入、财产状况超出最低生活保障或特困人员认定条件'),
  townshipDecidesTekes: cite(TEKES, '七(二)', '落实入户调查责任'),
  townshipDecidesQitai: cite(QITAI, '一(四)', '乡镇受县人民政府委托，负责低收入人口的申请受理'),
  townshipDecidesJilin: cite(JILIN, '二(三)', '市县抓落实'),
  // — end process (WP3) —
} as const satisfies Record<string, Source>;

/**
 * The citation to show for a criterion several seeds state: the first alternative the
 * jurisdiction can cite as its own (its own seed, or one its local document replaces), else
 * the first, which the view then labels as borrowed (issue 14 item 6).
 */
export function pickCitation(ctx: ScreenContext, first: Source, ...others: Source[]): Source {
  const place = ctx.household.jurisdiction;
  if (standingOf(place, first) !== 'borrowed') return first;
  for (const s of others) if (standingOf(place, s) !== 'borrowed') return s;
  return first;
}

/** Every county's text for "property within the local limits" (dibao, 特困 call pickCitation with these). */
export const propertyCitations = [
  citations.dibaoProperty,
  citations.propertyTekes,
  citations.propertyQitai,
  citations.propertyWengyuan,
] as const;

/** Every county's text for "the township decides after the home visit". */
export const townshipDecidesCitations = [
  citations.noDecisionWithoutProcess,
  citations.townshipDecidesTekes,
  citations.townshipDecidesQitai,
  citations.townshipDecidesJilin,
] as const;
