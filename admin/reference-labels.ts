import { labelOf, labelOfReference, loadObjects, type Action, type Reference } from 'actstream';

const ROLES = ['actor', 'actionObject', 'target'] as const;

const keyOf = (type: string, id: string) => `${type}\0${id}`;

/**
 * Labels of the objects actions refer to, for reading many batches of actions (the CSV export): each
 * batch's unknown references are loaded in one query per model, and the most recently used labels
 * are kept, so the objects that recur page after page (the same users, the same groups) are read
 * once. Bounded, so a million distinct objects never pile up.
 */
export class ReferenceLabels {
  private readonly labels = new Map<string, string>();

  /** `capacity` must hold the references (3 per action) of two batches given to load(), so a batch never evicts its own. */
  constructor(private readonly capacity = 10_000) {}

  /** Makes sure label() knows every reference of these actions, until the next load(). */
  async load(actions: Action[]): Promise<void> {
    const missing = new Map<string, Reference>();
    for (const action of actions) {
      for (const role of ROLES) {
        const type = action[`${role}Type`];
        const id = action[`${role}Id`];
        if (type === null || id === null) continue;
        const key = keyOf(type, id);
        const label = this.labels.get(key);
        if (label !== undefined) this.remember(key, label); // used again: most recent
        else missing.set(key, { type, id });
      }
    }
    if (!missing.size) return;
    const objects = await loadObjects(missing.values());
    for (const [key, { type, id }] of missing) {
      const object = objects.get(key);
      // A deleted object keeps its "<Model> <id>" label.
      this.remember(key, object ? labelOf(object) : labelOfReference(type, id));
    }
  }

  /** The label of a reference of the actions last given to load(); '' for no reference. */
  label(type: string | null, id: string | null): string {
    if (type === null || id === null) return '';
    const label = this.labels.get(keyOf(type, id));
    if (label === undefined) throw new Error(`no label loaded for ${type} ${id}`); // a wrong label in an audit is worse than none
    return label;
  }

  private remember(key: string, label: string): void {
    this.labels.delete(key);
    this.labels.set(key, label);
    if (this.labels.size > this.capacity) this.labels.delete(this.labels.keys().next().value as string);
  }
}
