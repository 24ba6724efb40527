/**
 * The last results, held in the running app (getApp().globalData) between the questionnaire and
 * the results page. Not wx.setStorageSync: the API has no GET for a conversation's results, and
 * the phone's storage keeps only the language, never what a resident answered or was told about
 * their household. Reopening the mini-program later starts afresh (the results page then says so).
 */
import type { Results } from '../api/conversation';

export interface AppData {
  globalData: { results?: Results };
}

export function keepResults(results: Results): void {
  getApp<AppData>().globalData.results = results;
}

/** The results of conversation `id`, if this run of the app reached them. */
export function resultsFor(id: string): Results | undefined {
  const kept = getApp<AppData>().globalData.results;
  return kept && kept.id === id ? kept : undefined;
}
