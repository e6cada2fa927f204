/** Why the card network refused a request; `code` is stable, the message is a sentence for people. */
export type CardErrorCode =
  | 'ERR_CARD_NOT_FOUND'
  | 'ERR_CUSTOMER_NOT_FOUND'
  | 'ERR_INVALID_AUTHORIZATION'
  | 'ERR_AUTHORIZATION_NOT_FOUND'
  | 'ERR_AUTHORIZATION_NOT_HELD'
  | 'ERR_TRANSACTION_NOT_FOUND'
  | 'ERR_NOT_DISPUTABLE'
  | 'ERR_INVALID_DISPUTE';

/** HTTP status of each code, for the routes. */
export const cardErrorStatus: Record<CardErrorCode, number> = {
  ERR_CARD_NOT_FOUND: 404,
  ERR_CUSTOMER_NOT_FOUND: 404,
  ERR_INVALID_AUTHORIZATION: 400,
  ERR_AUTHORIZATION_NOT_FOUND: 404,
  ERR_AUTHORIZATION_NOT_HELD: 409,
  ERR_TRANSACTION_NOT_FOUND: 404,
  ERR_NOT_DISPUTABLE: 409,
  ERR_INVALID_DISPUTE: 400,
};

export class CardError extends Error {
  override readonly name = 'CardError';
  constructor(
    readonly code: CardErrorCode,
    message: string,
  ) {
    super(message);
  }
}
