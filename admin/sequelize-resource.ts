import { Resource as SequelizeResource } from '@adminjs/sequelize';
import { BaseRecord, type Filter, type ParamsType } from 'adminjs';
import type { Model, ModelStatic } from 'sequelize';

type FindOptions = Parameters<SequelizeResource['find']>[1];

/**
 * An @adminjs/sequelize resource that never hands `secret` attributes (password hashes) to the
 * admin: not in lists, show pages, API answers, nor records populated into other resources.
 */
export class SecretFreeResource extends SequelizeResource {
  private readonly secrets: readonly string[];

  constructor(model: ModelStatic<Model>, secrets: readonly string[]) {
    super(model as unknown as ConstructorParameters<typeof SequelizeResource>[0]);
    this.secrets = secrets;
  }

  private strip<T extends ParamsType>(params: T): T {
    const copy = { ...params };
    for (const key of this.secrets) delete copy[key];
    return copy;
  }

  private clean(record: BaseRecord): BaseRecord {
    return new BaseRecord(this.strip(record.params), this);
  }

  override async find(filter: Filter, options: FindOptions): Promise<BaseRecord[]> {
    return (await super.find(filter, options)).map((record: BaseRecord) => this.clean(record));
  }

  override async findOne(id: string | number): Promise<BaseRecord | null> {
    const record = await super.findOne(id);
    return record && this.clean(record);
  }

  override async findMany(ids: (string | number)[]): Promise<BaseRecord[]> {
    return (await super.findMany(ids)).map((record: BaseRecord) => this.clean(record));
  }

  override async create(params: Record<string, unknown>): Promise<ParamsType> {
    return this.strip(await super.create(params));
  }

  override async update(id: string | number, params: Record<string, unknown>): Promise<ParamsType> {
    return this.strip(await super.update(id, params));
  }
}
