/**
 * Residents' messages as they type them, shared by the dialog, terminal and WeChat tests:
 * a Tekes rural couple (45 and 43, able to work, 600 yuan a month) in the first township,
 * which the rules place in dibao tier C at 668 yuan a month.
 */
export const coupleZh = [
  '你好，我想问低保',
  '1',
  '1',
  '农村',
  '两口人',
  '45 43',
  '1',
  '1',
  '大概六百块',
  '是',
  '没有',
  '否',
  '没有',
  '没有',
];

/** After the results: yes, consent, name, phone, skip the ID number, confirm. */
export const referralZh = ['1', '1', '阿依古丽·买买提', '139 1234 5678', '跳过', '1'];

/**
 * The same couple answered the way a tap sends them (digits and short words), after the greeting:
 * county 1 (Tekes), the township given, then up to the results.
 */
export function coupleTapped(township: string): string[] {
  return ['1', township, '农村', '2', '45 43', '1', '1', '600', '是', '没有', '否', '没有', '没有'];
}

/** After the results: yes, consent, the name and phone given, skip the ID number, confirm. */
export function referralTapped(name: string, phone: string): string[] {
  return ['1', '1', name, phone, '跳过', '1'];
}
