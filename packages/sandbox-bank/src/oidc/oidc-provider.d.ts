// oidc-provider 8 ships no types (and @types/oidc-provider tracks v9): the small part the bank uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface KoaContextLike {
    readonly method: string;
    readonly path: string;
    status: number;
    body: unknown;
    type: string;
    readonly oidc?: {
      readonly route?: string;
      readonly params?: Record<string, unknown>;
      readonly client?: { readonly clientId: string };
      readonly entities: Record<string, unknown>;
    };
  }

  export interface TokenModel {
    readonly jti: string;
    readonly kind: string;
    readonly clientId: string;
    readonly accountId?: string;
    readonly grantId?: string;
    readonly scope?: string;
    readonly jkt?: string;
    readonly extra?: Record<string, unknown>;
    isExpired: boolean;
  }

  export interface TokenClass {
    find(value: string, options?: { ignoreExpiration?: boolean }): Promise<TokenModel | undefined>;
  }

  export interface GrantModel {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: readonly string[]): void;
    save(): Promise<string>;
  }

  export interface Interaction {
    readonly uid: string;
    readonly prompt: { readonly name: string; readonly details: Record<string, unknown> };
    readonly params: Record<string, unknown>;
    readonly session?: { readonly accountId: string };
    readonly grantId?: string;
  }

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    proxy: boolean;
    readonly AccessToken: TokenClass;
    readonly ClientCredentials: TokenClass;
    readonly RefreshToken: TokenClass;
    readonly Grant: (new (input: { accountId: string; clientId: string }) => GrantModel) & {
      find(id: string): Promise<GrantModel | undefined>;
    };
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: (ctx: KoaContextLike, next: () => Promise<void>) => Promise<void>): void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionResult(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<string>;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export const errors: {
    InvalidRequest: new (description: string) => Error;
    InvalidGrant: new (description: string) => Error;
  };
}
