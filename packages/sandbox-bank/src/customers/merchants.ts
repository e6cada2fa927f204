/**
 * The merchants of the synthetic history, with real ISO 18245 merchant category codes.
 * Amounts are ranges in pence; the generator picks within them.
 */
export interface Merchant {
  readonly name: string;
  /** ISO 18245 merchant category code. */
  readonly mcc: string;
  /** Our own category (TransactionRow.category). */
  readonly category: string;
  readonly minMinor: number;
  readonly maxMinor: number;
}

const m = (name: string, mcc: string, category: string, minMinor: number, maxMinor: number): Merchant => ({ name, mcc, category, minMinor, maxMinor });

export const groceries: readonly Merchant[] = [
  m('Tesco', '5411', 'groceries', 850, 9800),
  m("Sainsbury's", '5411', 'groceries', 900, 8700),
  m('Waitrose', '5411', 'groceries', 1200, 7600),
  m('Lidl', '5411', 'groceries', 600, 5400),
  m('Aldi', '5411', 'groceries', 700, 5200),
  m('Co-op Food', '5411', 'groceries', 320, 2400),
  m('M&S Simply Food', '5411', 'groceries', 450, 3100),
];

export const eatingOut: readonly Merchant[] = [
  m('Pret A Manger', '5814', 'eating_out', 385, 1150),
  m('Costa Coffee', '5814', 'eating_out', 290, 890),
  m("Nando's", '5812', 'eating_out', 1450, 4200),
  m('Dishoom', '5812', 'eating_out', 2800, 7900),
  m('Wagamama', '5812', 'eating_out', 1600, 4800),
  m('Deliveroo', '5814', 'eating_out', 1400, 3900),
  m('The Crown & Anchor', '5813', 'eating_out', 650, 3600),
];

export const transport: readonly Merchant[] = [
  m('TfL Travel Charge', '4111', 'transport', 280, 850),
  m('Uber', '4121', 'transport', 790, 2900),
  m('Trainline', '4112', 'transport', 1250, 8900),
  m('Shell', '5541', 'transport', 3500, 7800),
];

export const shopping: readonly Merchant[] = [
  m('Amazon UK', '5399', 'shopping', 699, 6499),
  m('John Lewis', '5311', 'shopping', 1800, 14900),
  m('Boots', '5912', 'shopping', 350, 3200),
  m('ASOS', '5691', 'shopping', 2200, 9800),
  m('Currys', '5732', 'shopping', 2999, 39900),
  m('Waterstones', '5942', 'shopping', 899, 3400),
];

/** Monthly direct debits: energy, water, broadband, mobile. */
export const utilities: readonly Merchant[] = [
  m('Octopus Energy', '4900', 'utilities', 9500, 16800),
  m('Thames Water', '4900', 'utilities', 3400, 4100),
  m('BT Broadband', '4814', 'utilities', 3299, 3299),
  m('Vodafone UK', '4814', 'utilities', 1800, 2600),
];

/** Monthly subscriptions, charged to the credit card. */
export const subscriptions: readonly Merchant[] = [
  m('Netflix', '4899', 'subscriptions', 1099, 1099),
  m('Spotify', '5815', 'subscriptions', 1199, 1199),
  m('Disney+', '4899', 'subscriptions', 799, 799),
  m('PureGym', '7997', 'subscriptions', 2499, 2499),
];

export interface Destination {
  readonly city: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  readonly hotels: readonly string[];
  readonly restaurants: readonly string[];
}

export const destinations: readonly Destination[] = [
  { city: 'Lisbon', country: 'PT', hotels: ['Hotel Alfama Lisboa', 'Memmo Principe Real'], restaurants: ['Time Out Market Lisboa', 'Cervejaria Ramiro'] },
  { city: 'Barcelona', country: 'ES', hotels: ['Hotel Casa Fuster', 'H10 Metropolitan'], restaurants: ['Cal Pep', 'La Boqueria Bar'] },
  { city: 'Paris', country: 'FR', hotels: ['Hotel du Marais', 'Le Pavillon de la Reine'], restaurants: ['Bouillon Chartier', 'Cafe de Flore'] },
  { city: 'Amsterdam', country: 'NL', hotels: ['Hotel Pulitzer', 'The Hoxton Amsterdam'], restaurants: ['Foodhallen', 'Cafe de Jaren'] },
  { city: 'Rome', country: 'IT', hotels: ['Hotel Artemide', 'Hotel Raphael Roma'], restaurants: ['Roscioli', 'Da Enzo al 29'] },
  { city: 'New York', country: 'US', hotels: ['The Standard High Line', 'Pod 51 Hotel'], restaurants: ["Katz's Delicatessen", "Joe's Pizza"] },
];

export const airlines: readonly string[] = ['British Airways', 'easyJet', 'Ryanair', 'Virgin Atlantic'];
