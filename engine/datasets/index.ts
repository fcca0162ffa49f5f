// Every dataset the engine serves, by name: the one place that lists them.
import type { DatasetDef } from '../dataset.ts';
import type { AnyEndpoint } from '../endpoint.ts';
import { blogDataset } from './blog/declaration.ts';
import { marketplaceDataset } from './marketplace/declaration.ts';
import { MARKETPLACE_ENDPOINTS } from './marketplace/endpoints.ts';
import { membersDataset } from './members/declaration.ts';
import { MEMBERS_ENDPOINTS } from './members/endpoints.ts';
import { fetchMembers } from './members/fetch.ts';
import type { AnyStreamEndpoint } from '../stream-endpoint.ts';

export const DATASETS: Readonly<Record<string, DatasetDef>> = { blog: blogDataset, marketplace: marketplaceDataset, members: membersDataset };

/** The dataset an engine opened without naming one holds (the first the service had). */
export const DEFAULT_DATASET: DatasetDef = blogDataset;

export function datasetNamed(name: string): DatasetDef {
  const d = Object.hasOwn(DATASETS, name) ? DATASETS[name] : undefined;
  if (!d) throw new Error(`no dataset '${name}'`);
  return d;
}

/** Each dataset's fixed endpoints, served at /api/v1/<dataset>/<name> (the empty name at
 *  /api/v1/<dataset> itself; the blog's keep their old /api/v1/analytics/<name> paths:
 *  BLOG_ENDPOINTS). */
export const DATASET_ENDPOINTS: Readonly<Record<string, Readonly<Record<string, AnyEndpoint>>>> = { marketplace: MARKETPLACE_ENDPOINTS, members: MEMBERS_ENDPOINTS };

/** Streamed endpoints of the old services, at their own paths (members: /fetch/). */
export const STREAM_ENDPOINTS: readonly AnyStreamEndpoint[] = [fetchMembers];
