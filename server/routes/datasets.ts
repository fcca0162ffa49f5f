// GET /api/v1/datasets: every dataset the engine serves, with its snapshot (tables and row
// counts, when and from what it was loaded), or `available: false` where none is open.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DATASETS } from '../../engine/index.ts';
import type { DatasetDef, Engine } from '../../engine/index.ts';
import { snapshotSummary } from '../meta-response.ts';
import { ALWAYS, responses } from '../openapi.ts';

export const MetaQuery = z.object({
  dataset: z
    .string()
    .max(100)
    .optional()
    .refine((d) => d === undefined || Object.hasOwn(DATASETS, d), { message: `not a dataset; the datasets are ${Object.keys(DATASETS).join(', ')}` })
    .describe('a dataset name (GET /api/v1/datasets); absent: the blog dataset, as before'),
  root: z.string().max(100).optional().describe('a table of the dataset (`roots`): the fields of filters rooted there; absent: the fact root'),
});

export function datasetRoutes(app: FastifyInstance, datasets: readonly DatasetDef[], engineOf: (name: string) => Engine | undefined): void {
  app.get(
    '/api/v1/datasets',
    { schema: { summary: 'The datasets served, with their snapshots', operationId: 'getDatasets', tags: ['meta'], response: responses('DatasetsAnswer', [401, ...ALWAYS]) } },
    async () => ({
      datasets: datasets.map((ds) => {
        const e = engineOf(ds.name);
        return {
          name: ds.name,
          description: ds.description,
          available: e !== undefined,
          measures: Object.keys(ds.measures),
          snapshot: e ? snapshotSummary(e.meta) : null,
        };
      }),
    }),
  );
}
