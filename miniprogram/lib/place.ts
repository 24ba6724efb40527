/**
 * Where a poster's mini-program code sent the resident. A county admin downloads a code per
 * county or township (server/staff/routes/poster-code-routes.ts) whose scene is "c=<county>" or
 * "c=<county>&t=<township>"; WeChat hands it, URL-encoded, to the first page as `query.scene`.
 * The place is held in the running app only (getApp().globalData) and sent when the
 * questionnaire starts, so the resident is not asked where they live; the server ignores a place
 * its rules do not know (an old poster).
 */
export interface Place {
  county?: string;
  township?: string;
}

interface PlaceData {
  globalData: { place?: Place };
}

const placeId = /^[a-z][a-z0-9_-]{0,40}$/;

/** The place a scene names, or nothing when it is absent or not ours. */
export function placeFromScene(scene: string | undefined): Place {
  if (!scene) return {};
  let decoded: string;
  try {
    decoded = decodeURIComponent(scene);
  } catch {
    return {};
  }
  const fields: Record<string, string> = {};
  for (const pair of decoded.split('&')) {
    const [key, value] = pair.split('=');
    if (key && value !== undefined) fields[key] = value;
  }
  const county = fields['c'];
  if (!county || !placeId.test(county)) return {};
  const township = fields['t'];
  return township && placeId.test(township) ? { county, township } : { county };
}

export function rememberPlace(place: Place): void {
  if (place.county) getApp<PlaceData>().globalData.place = place;
}

export function rememberedPlace(): Place {
  return getApp<PlaceData>().globalData.place ?? {};
}
