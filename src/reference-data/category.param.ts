import { Matches } from 'class-validator';

export class CategoryParam {
  @Matches(/^[a-z][a-z0-9-]{1,59}$/, { message: 'category must be a kebab-case code list name' })
  category!: string;
}
