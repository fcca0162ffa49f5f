// Every dataset the engine serves, by name: the one place that lists them.
import type { DatasetDef } from '../dataset.ts';
import { blogDataset } from './blog/declaration.ts';
import { marketplaceDataset } from './marketplace/declaration.ts';

export const DATASETS: Readonly<Record<string, DatasetDef>> = { blog: blogDataset, marketplace: marketplaceDataset };

/** The dataset an engine opened without naming one holds (the first the service had). */
export const DEFAULT_DATASET: DatasetDef = blogDataset;

export function datasetNamed(name: string): DatasetDef {
  const d = Object.hasOwn(DATASETS, name) ? DATASETS[name] : undefined;
  if (!d) throw new Error(`no dataset '${name}'`);
  return d;
}
