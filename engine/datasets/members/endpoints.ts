// The members dataset's fixed endpoints at /api/v1/members/<path> (the list itself at
// /api/v1/members: the empty path). Each is an Endpoint: parameters, plan, answer; pure.
import type { AnyEndpoint } from '../../endpoint.ts';
import { member, members } from './members.ts';
import { ACTIVITY_ENDPOINTS } from './activity-endpoints.ts';

export const MEMBERS_ENDPOINTS: Readonly<Record<string, AnyEndpoint>> = {
  '': members,
  ':id': member,
  ...ACTIVITY_ENDPOINTS,
};
