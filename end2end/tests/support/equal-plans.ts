// Compares two plans as the CSV round trip promises: equal once every
// entity id is replaced by its collection and position, since an import
// gives every entity a fresh id.

const collections = ['root_causes', 'goals', 'actions', 'resources', 'milestones', 'measurements', 'check_ins'];

/// Returns a copy of a plan's JSON with ids replaced by names such as
/// `goals#0`, in links too.
export function withPositionalIds(plan: any): any {
  const names = new Map<string, string>();
  for (const collection of collections) {
    (plan[collection] ?? []).forEach((entity: any, index: number) => names.set(entity.id, `${collection}#${index}`));
  }
  return JSON.parse(JSON.stringify(plan), (key, value) => {
    if (typeof value === 'string' && names.has(value)) return names.get(value);
    return value;
  });
}
