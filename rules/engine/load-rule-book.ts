/**
 * Loads the rule book: shared layers (rules/parameters), jurisdictions (rules/jurisdictions)
 * and settings, each validated with zod. Any problem stops loading with a RuleFileError that
 * names the file and the field: a wrong standard must never reach a resident.
 *
 * Adding a county is adding one YAML file to rules/jurisdictions; no code changes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { registerDocuments } from './documents.ts';
import { isParameterName, type ParameterName, parameterCatalog } from './parameter-catalog.ts';
import { RuleFileError } from './rule-file-error.ts';
import {
  type CaseDeadlines,
  jurisdictionFileSchema,
  layerFileSchema,
  type ParameterDefinition,
  type LocalText,
  type TownshipOffice,
  type RuleSettings,
  type Reference,
  seedDocumentsFileSchema,
  settingsFileSchema,
} from './rule-file-schema.ts';

export const defaultRulesDir = fileURLToPath(new URL('..', import.meta.url));

export interface ParameterHistory {
  name: ParameterName;
  layer: string;
  description: string;
  unit: string;
  reference: Reference;
  note?: string;
  reviewed?: string;
  /** Our reading where the seed leaves the value open (rule-file-schema.ts). */
  gap?: true;
  /** Ascending by date; a null value ends the parameter from that date. */
  entries: { from: string; value: unknown }[];
}

export interface Layer {
  id: string;
  file: string;
  parameters: Map<ParameterName, ParameterHistory>;
}

export interface Jurisdiction {
  id: string;
  level: 'county' | 'prefecture' | 'province';
  region: string;
  file: string;
  /** Lowest first; the jurisdiction's own layer is last and wins. */
  stack: Layer[];
  staleWaiver?: { until: string; reason: string };
  townships: { id: string; name: LocalText; office?: TownshipOffice }[];
  propertyRules?: LocalText;
  /** Days per open status before a case is overdue; county configuration (absent: none). */
  deadlines?: CaseDeadlines;
}

export interface RuleBook {
  settings: RuleSettings;
  layers: Map<string, Layer>;
  jurisdictions: Map<string, Jurisdiction>;
}

export function loadRuleBook(rulesDir: string = defaultRulesDir): RuleBook {
  const display = (file: string) => relative(process.cwd(), file) || file;
  const settingsFile = join(rulesDir, 'settings.yaml');
  const settings = validate(settingsFileSchema, readYaml(settingsFile, display), display(settingsFile));

  const layers = new Map<string, Layer>();
  for (const file of yamlFiles(join(rulesDir, 'parameters'))) {
    const shown = display(file);
    const data = validate(layerFileSchema, readYaml(file, display), shown);
    if (data.layer !== basename(file, '.yaml')) {
      throw new RuleFileError(shown, 'layer', `must equal the file name "${basename(file, '.yaml')}"`);
    }
    layers.set(data.layer, {
      id: data.layer,
      file: shown,
      parameters: histories(data.parameters, data.layer, shown),
    });
  }

  // Who issued each seed; a jurisdiction may only call a known seed its own or replace it.
  const seedsFile = join(rulesDir, 'seeds', 'documents.yaml');
  const seeds = existsSync(seedsFile)
    ? new Set(
        Object.keys(
          validate(seedDocumentsFileSchema, readYaml(seedsFile, display), display(seedsFile)).documents,
        ),
      )
    : undefined;

  const jurisdictions = new Map<string, Jurisdiction>();
  for (const file of yamlFiles(join(rulesDir, 'jurisdictions'))) {
    const shown = display(file);
    const data = validate(jurisdictionFileSchema, readYaml(file, display), shown);
    if (data.id !== basename(file, '.yaml')) {
      throw new RuleFileError(shown, 'id', `must equal the file name "${basename(file, '.yaml')}"`);
    }
    const stack = data.layers.map((id, i) => {
      const layer = layers.get(id);
      if (!layer)
        throw new RuleFileError(
          shown,
          `layers.${i}`,
          `unknown layer "${id}" (known: ${[...layers.keys()].join(', ')})`,
        );
      return layer;
    });
    stack.push({ id: data.id, file: shown, parameters: histories(data.parameters, data.id, shown) });
    const docs = data.documents ?? { own: [], local: [] };
    for (const [i, f] of docs.own.entries())
      if (seeds && !seeds.has(f))
        throw new RuleFileError(shown, `documents.own.${i}`, `unknown seed file "${f}"`);
    for (const [i, d] of docs.local.entries())
      for (const [j, r] of d.replaces.entries())
        if (seeds && !seeds.has(r.file))
          throw new RuleFileError(
            shown,
            `documents.local.${i}.replaces.${j}.file`,
            `unknown seed file "${r.file}"`,
          );
    registerDocuments(data.id, docs);
    jurisdictions.set(data.id, {
      id: data.id,
      level: data.level,
      region: data.region,
      file: shown,
      stack,
      ...(data.staleWaiver ? { staleWaiver: data.staleWaiver } : {}),
      townships: data.townships ?? [],
      ...(data.propertyRules ? { propertyRules: data.propertyRules } : {}),
      ...(data.deadlines ? { deadlines: data.deadlines } : {}),
    });
  }
  if (jurisdictions.size === 0)
    throw new RuleFileError(display(join(rulesDir, 'jurisdictions')), '', 'no jurisdiction files');
  return { settings, layers, jurisdictions };
}

function histories(defs: Record<string, ParameterDefinition>, layer: string, file: string) {
  const out = new Map<ParameterName, ParameterHistory>();
  for (const [name, def] of Object.entries(defs)) {
    if (!isParameterName(name)) throw new RuleFileError(file, `parameters.${name}`, 'unknown parameter name');
    const schema = parameterCatalog[name].value as z.ZodType;
    const entries = Object.entries(def.values)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([from, raw]) => {
        if (raw === null) return { from, value: null };
        const parsed = schema.safeParse(raw);
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          const sub = issue.path.length ? `.${issue.path.join('.')}` : '';
          throw new RuleFileError(file, `parameters.${name}.values.${from}${sub}`, issue.message);
        }
        return { from, value: parsed.data };
      });
    out.set(name, {
      name,
      layer,
      description: def.description,
      unit: def.unit,
      reference: def.reference,
      entries,
      ...(def.note ? { note: def.note } : {}),
      ...(def.reviewed ? { reviewed: def.reviewed } : {}),
      ...(def.gap ? { gap: true as const } : {}),
    });
  }
  return out;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));
}

function readYaml(file: string, display: (f: string) => string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new RuleFileError(display(file), '', `cannot read: ${(e as Error).message}`);
  }
  try {
    return parseYaml(text);
  } catch (e) {
    throw new RuleFileError(display(file), '', `not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
}

function validate<T extends z.ZodType>(schema: T, data: unknown, file: string): z.output<T> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new RuleFileError(file, issue.path.join('.'), issue.message);
}
