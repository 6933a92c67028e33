/**
 * The demo data set behind `mtc seed --demo`, as plain tables: a small bicycle maker, shaped
 * like the old system's data (frames, wheels and components with model and variation
 * masters, colours, inch and garment sizes, units pcs/mtr/kg, Indian suppliers, INR). Every
 * value is fictional and fixed. seed.ts writes it.
 */
export type Role = 'admin' | 'planner' | 'operator' | 'viewer';
export type Unit = 'pcs' | 'mtr' | 'kg';

export const COMPANY = 'Demo Cycles Pvt Ltd';

export const USERS: readonly (readonly [name: string, email: string, role: Role])[] = [
  ['Demo Admin', 'admin@example.com', 'admin'],
  ['Demo Planner', 'planner@example.com', 'planner'],
  ['Demo Operator', 'operator@example.com', 'operator'],
  ['Demo Viewer', 'viewer@example.com', 'viewer'],
];

export const COLOURS = ['Black', 'White', 'Red', 'Navy', 'Sea Green', 'Pink', 'Yellow', 'Metallic Grey', 'Floro Orange', 'Plain', 'Assorted'] as const;
export const SIZES = ['12 inch', '16 inch', '20 inch', '26 inch', 'S', 'M', 'L', 'XL', 'General'] as const;
export const MODELS = ['Sparrow', 'Comet', 'Falcon', 'Trekker', 'Breeze', 'Universal'] as const;
export const VARIATIONS = ['Steel', 'Alloy', 'Shocker', 'Single Speed', 'Standard'] as const;

/** The short forms a variant's code (SKU) is made of: `<ITEM KEY>-<COLOUR>-<SIZE>`, "FRAME-SPARROW-RD-12". */
export const COLOUR_CODES: Readonly<Record<(typeof COLOURS)[number], string>> = {
  Black: 'BK',
  White: 'WH',
  Red: 'RD',
  Navy: 'NV',
  'Sea Green': 'SG',
  Pink: 'PK',
  Yellow: 'YL',
  'Metallic Grey': 'GY',
  'Floro Orange': 'OR',
  Plain: 'PL',
  Assorted: 'AS',
};
export const SIZE_CODES: Readonly<Record<(typeof SIZES)[number], string>> = {
  '12 inch': '12',
  '16 inch': '16',
  '20 inch': '20',
  '26 inch': '26',
  S: 'S',
  M: 'M',
  L: 'L',
  XL: 'XL',
  General: 'GEN',
};

export type Colour = (typeof COLOURS)[number];
export type Size = (typeof SIZES)[number];
export type Model = (typeof MODELS)[number];
export type Variation = (typeof VARIATIONS)[number];

export const FRAMES = 'Frames & Forks';
export const WHEELS = 'Wheels & Tyres';
export const PARTS = 'Components';
export const FINISH = 'Paint & Packing';
export const ACCESSORIES = 'Accessories';
/** What the demo maker makes: its processes put their output here (no supplier sells it). */
export const BICYCLES = 'Finished Bicycles';
export type Category = typeof FRAMES | typeof WHEELS | typeof PARTS | typeof FINISH | typeof ACCESSORIES | typeof BICYCLES;
/** The categories bought from suppliers. */
export type BoughtCategory = Exclude<Category, typeof BICYCLES>;

export const WHEEL_SIZES: readonly Size[] = ['12 inch', '16 inch', '20 inch', '26 inch'];
export const KID_SIZES: readonly Size[] = ['12 inch', '16 inch', '20 inch'];
export const GARMENT_SIZES: readonly Size[] = ['S', 'M', 'L', 'XL'];

/**
 * One item and its variants: one variant per size × colour. `stock` is the usual opening
 * stock of a variant (spread by STOCK_SPREAD), `rate` the usual supplier's rate per unit in
 * INR for the smallest size; null for what the maker makes itself (no supplier, no rate: its
 * stock comes from the lots that make it, at their actual cost).
 */
export type ItemRow = readonly [
  key: string,
  category: Category,
  name: string,
  description: string,
  model: Model,
  variation: Variation,
  unit: Unit,
  rate: string | null,
  stock: number,
  reorder: number,
  sizes: readonly Size[],
  colours: readonly Colour[],
];

export const ITEMS: readonly ItemRow[] = [
  // key              category     name                 description                  model        variation       unit   rate     stock reorder  sizes                   colours
  ['kora-falcon', FRAMES, 'Kora Frame & Fork', 'MTB 2.40, unpainted', 'Falcon', 'Shocker', 'pcs', '980.00', 60, 20, ['20 inch'], ['Plain']],
  [
    'frame-sparrow',
    FRAMES,
    'Painted Frame',
    'IBC single bar',
    'Sparrow',
    'Steel',
    'pcs',
    '760.00',
    90,
    25,
    ['12 inch'],
    ['Red', 'Navy', 'Pink', 'Sea Green', 'Yellow'],
  ],
  [
    'frame-comet',
    FRAMES,
    'Painted Frame',
    'Double bar',
    'Comet',
    'Steel',
    'pcs',
    '880.00',
    70,
    20,
    ['16 inch'],
    ['Red', 'Navy', 'Black', 'Sea Green', 'Floro Orange'],
  ],
  [
    'frame-trekker',
    FRAMES,
    'Painted Frame',
    'Gents, 26 inch',
    'Trekker',
    'Steel',
    'pcs',
    '1240.00',
    35,
    10,
    ['26 inch'],
    ['Black', 'Navy', 'Red', 'Metallic Grey'],
  ],
  ['fork-falcon', FRAMES, 'Suspension Fork', 'Coil spring', 'Falcon', 'Shocker', 'pcs', '1150.00', 40, 12, ['20 inch', '26 inch'], ['Black', 'Metallic Grey']],
  ['tyre', WHEELS, 'Tyre', 'Nylon 2.125', 'Universal', 'Standard', 'pcs', '145.00', 400, 100, WHEEL_SIZES, ['Black']],
  ['tube', WHEELS, 'Tube', 'Butyl', 'Universal', 'Standard', 'pcs', '62.00', 500, 120, WHEEL_SIZES, ['Black']],
  ['rim-steel', WHEELS, 'Steel Rim', 'Chrome plated', 'Universal', 'Steel', 'pcs', '185.00', 300, 80, WHEEL_SIZES, ['Plain', 'Black']],
  ['rim-alloy', WHEELS, 'Alloy Rim', 'Double wall', 'Universal', 'Alloy', 'pcs', '420.00', 120, 40, ['20 inch', '26 inch'], ['Black', 'Metallic Grey']],
  ['spokes', WHEELS, 'Spoke & Nipple', 'Set of 36, zinc plated', 'Universal', 'Steel', 'pcs', '96.00', 350, 100, WHEEL_SIZES, ['Plain']],
  ['hub', WHEELS, 'Hub', 'Front and rear pair', 'Universal', 'Steel', 'pcs', '210.00', 220, 60, ['General'], ['Plain', 'Black']],
  ['chainwheel', PARTS, 'Chain Wheel', '44T with cotterless crank', 'Universal', 'Single Speed', 'pcs', '240.00', 150, 40, KID_SIZES, ['Black', 'Plain']],
  ['seat', PARTS, 'Seat', 'Kids PU', 'Universal', 'Standard', 'pcs', '135.00', 200, 50, ['General'], ['Black', 'Red', 'Navy', 'Pink', 'Sea Green']],
  [
    'grip',
    PARTS,
    'Handle Grip',
    'Rubber, pair',
    'Universal',
    'Standard',
    'pcs',
    '38.00',
    400,
    100,
    ['General'],
    ['Black', 'Red', 'Navy', 'Pink', 'Yellow', 'Sea Green'],
  ],
  ['brake-wire', PARTS, 'Brake Wire', 'Inner and outer cable', 'Universal', 'Steel', 'mtr', '14.50', 1500, 400, ['General'], ['Black', 'White']],
  [
    'mudguard',
    PARTS,
    'Pvc Mudguard',
    'Front and rear pair',
    'Universal',
    'Standard',
    'pcs',
    '72.00',
    110,
    30,
    KID_SIZES,
    ['Black', 'Red', 'Navy', 'Pink', 'Sea Green', 'Yellow'],
  ],
  ['chaincover', PARTS, 'Chain Cover', 'Full cover', 'Universal', 'Standard', 'pcs', '88.00', 90, 25, KID_SIZES, ['Black', 'Red', 'Navy', 'Pink']],
  [
    'side-support',
    PARTS,
    'Side Support',
    'Training wheels, pair',
    'Universal',
    'Standard',
    'pcs',
    '165.00',
    150,
    40,
    ['12 inch', '16 inch'],
    ['White', 'Black'],
  ],
  [
    'powder',
    FINISH,
    'Powder Paint',
    'Polyester, glossy',
    'Universal',
    'Standard',
    'kg',
    '385.00',
    80,
    25,
    ['General'],
    ['Black', 'White', 'Red', 'Navy', 'Sea Green', 'Pink', 'Yellow', 'Metallic Grey', 'Floro Orange'],
  ],
  ['sticker-sparrow', FINISH, 'Sticker', 'Decal set, Sparrow', 'Sparrow', 'Standard', 'pcs', '18.00', 600, 150, ['12 inch'], ['White', 'Black']],
  ['sticker-comet', FINISH, 'Sticker', 'Decal set, Comet', 'Comet', 'Standard', 'pcs', '18.00', 600, 150, ['16 inch'], ['White', 'Black']],
  ['sticker-falcon', FINISH, 'Sticker', 'Decal set, Falcon', 'Falcon', 'Standard', 'pcs', '22.00', 400, 100, ['20 inch'], ['White', 'Black']],
  ['carton', FINISH, 'Carton', '5-ply corrugated', 'Universal', 'Standard', 'pcs', '65.00', 260, 60, WHEEL_SIZES, ['Plain']],
  [
    'helmet',
    ACCESSORIES,
    'Kids Helmet',
    'EPS shell with visor',
    'Universal',
    'Standard',
    'pcs',
    '340.00',
    30,
    8,
    GARMENT_SIZES,
    ['Red', 'Navy', 'Pink', 'Black', 'Yellow'],
  ],
  ['gloves', ACCESSORIES, 'Cycling Gloves', 'Half finger', 'Universal', 'Standard', 'pcs', '145.00', 40, 10, GARMENT_SIZES, ['Black', 'Red']],
  ['basket', ACCESSORIES, 'Basket', 'Front wire basket', 'Breeze', 'Standard', 'pcs', '180.00', 60, 20, ['General'], ['White', 'Pink']],
  ['bell', ACCESSORIES, 'Bell', 'Alloy ding-dong', 'Universal', 'Alloy', 'pcs', '42.00', 250, 60, ['General'], ['Metallic Grey', 'Black', 'Red']],
  // what the processes make: one variant each, colours assorted as the lots choose them
  ['bike-sparrow', BICYCLES, 'Sparrow 12 Kids Bicycle', 'Boxed, with training wheels', 'Sparrow', 'Steel', 'pcs', null, 0, 0, ['12 inch'], ['Assorted']],
  ['bike-comet', BICYCLES, 'Comet 16 Bicycle', 'Boxed, with training wheels', 'Comet', 'Steel', 'pcs', null, 0, 0, ['16 inch'], ['Assorted']],
  ['bike-falcon', BICYCLES, 'Falcon 20 MTB', 'Boxed, suspension fork', 'Falcon', 'Shocker', 'pcs', null, 0, 0, ['20 inch'], ['Assorted']],
];

/**
 * What the opening stock is worth, in percent of the usual supplier's current rate: it was
 * bought last year, cheaper, so the receipts at this year's prices move the average cost.
 */
export const OPENING_COST_PERCENT = 94;

/** Opening stock of the n-th variant of an item, in percent of the item's usual stock. */
export const STOCK_SPREAD = [100, 80, 125, 65, 110, 90, 140, 75] as const;

/** A variant: item key, colour, size. */
export type VariantRef = readonly [item: string, colour: Colour, size: Size];

/** Variants that open short, so the reorder list is not empty. */
export const SHORT_OPENING: readonly (readonly [...VariantRef, stock: number])[] = [
  ['helmet', 'Pink', 'XL', 4],
  ['gloves', 'Red', 'S', 3],
  ['powder', 'Floro Orange', 'General', 12],
  ['mudguard', 'Yellow', '20 inch', 6],
  ['frame-comet', 'Floro Orange', '16 inch', 9],
  ['brake-wire', 'White', 'General', 260],
];

/** Percent of the smallest size's rate that a bigger size costs. */
export const SIZE_RATE_PERCENT: Readonly<Record<Size, number>> = {
  '12 inch': 100,
  '16 inch': 112,
  '20 inch': 125,
  '26 inch': 140,
  S: 100,
  M: 105,
  L: 110,
  XL: 115,
  General: 100,
};

export const MINIMUM_ORDER: Readonly<Record<Unit, number>> = { pcs: 50, mtr: 100, kg: 25 };

export const SUPPLIERS: readonly (readonly [key: string, firmName: string, address: string, gstin: string, email: string, phone: string])[] = [
  [
    'ankur',
    'Ankur Frame Works',
    'Plot 14, Demo Industrial Area Phase II, Ludhiana, Punjab 141010',
    '03AAKFA1234C1Z5',
    'sales.ankur@example.com',
    '0161-0000101',
  ],
  ['chakra', 'Chakra Rim & Spoke Co.', 'Gali 3, Demo Cycle Market, Ludhiana, Punjab 141008', '03AAECC5678D1Z9', 'orders.chakra@example.com', '0161-0000202'],
  ['dhara', 'Dhara Rubber & Plastics', 'Survey 22, Demo GIDC Estate, Rajkot, Gujarat 360003', '24AAHFD2468E1Z1', 'dhara@example.com', '0281-0000303'],
  [
    'rangoli',
    'Rangoli Paints & Packaging',
    'Unit 7, Demo MIDC Area, Bhiwandi, Maharashtra 421302',
    '27AABFR1357F1Z3',
    'accounts.rangoli@example.com',
    '022-00000404',
  ],
  [
    'saarthi',
    'Saarthi Cycle Accessories',
    'Shop 41, Demo Cycle Market, Karol Bagh, New Delhi 110005',
    '07AAPFS9753G1Z7',
    'saarthi@example.com',
    '011-00000505',
  ],
];

/** Each supplier's usual lead time in days: from an order to its delivery. */
export const SUPPLIER_LEAD_DAYS: Readonly<Record<string, number>> = { ankur: 21, chakra: 10, dhara: 14, rangoli: 7, saarthi: 5 };

/**
 * Price breaks of the current rates of the variants processes use, as [multiple of the
 * minimum order, percent of the rate's own cost]: the usual supplier is 4% cheaper from 2
 * minimum orders (100 pieces) and 8% from 10; the second source (whose minimum is 2 orders)
 * 3% cheaper from 2, still dearer than the usual supplier. A usual run of Sparrow (50) buys
 * 100 of some parts, so its costing reaches the first breaks; bigger runs reach more.
 */
export const PRICE_BREAKS = {
  primary: [
    [2, 96],
    [10, 92],
  ],
  second: [[2, 103]],
} as const satisfies Record<string, readonly (readonly [number, number])[]>;

/** Who sells each category: the usual supplier, a second source, and a third that once quoted. */
export const CATEGORY_SUPPLIERS: Readonly<Record<BoughtCategory, readonly [string, string, string]>> = {
  [FRAMES]: ['ankur', 'saarthi', 'chakra'],
  [WHEELS]: ['chakra', 'dhara', 'saarthi'],
  [PARTS]: ['saarthi', 'dhara', 'ankur'],
  [FINISH]: ['rangoli', 'saarthi', 'dhara'],
  [ACCESSORIES]: ['saarthi', 'rangoli', 'dhara'],
};

/** The current rates start here; the previous year's ran to the day before. */
export const RATE_YEAR = { from: '2025-04-01', lastFrom: '2024-04-01', lastTo: '2025-03-31' } as const;

export const SUBPROCESSES: readonly (readonly [name: string, category: string, minutes: number, description: string])[] = [
  ['Frame Painting', 'Painting', 90, 'Pre-treatment, powder coating and stoving of a raw frame'],
  ['Wheel Building', 'Wheels', 35, 'Lacing spokes to hub and rim, then truing'],
  ['Tyre Fitting', 'Wheels', 15, 'Tyre and tube on a built wheel, inflated and checked'],
  ['Final Assembly', 'Assembly', 50, 'Frame, wheels and components assembled and adjusted'],
  ['Quality Check', 'Inspection', 10, 'Brakes, alignment and fasteners checked against the checklist'],
  ['Packing', 'Packing', 8, 'Partly dismantled, wrapped and boxed with its decal set'],
];

export type CostType = 'labour' | 'overhead' | 'electricity' | 'maintenance' | 'service' | 'packing' | 'transport' | 'other';
/** One line of a step's cost: quantity × rate (INR). */
export type CostRow = readonly [type: CostType, description: string, quantity: string, unit: string, rate: string];
/** A variant a step uses, and how much of it per bicycle. */
export type UseRow = readonly [...VariantRef, quantity: string];
/** Alternatives: any one of them serves, in `quantity` per bicycle. */
export interface GroupDef {
  name: string;
  description: string;
  quantity: string;
  alternatives: readonly VariantRef[];
}
export interface StepDef {
  subprocess: string;
  customName?: string;
  uses: readonly UseRow[];
  groups: readonly GroupDef[];
  costs: readonly CostRow[];
}
export interface ProcessDef {
  name: string;
  description: string;
  processClass: string;
  salesPrice: string;
  /** What one run of the process makes (one bicycle): a lot puts its quantity of it into stock at its actual cost. */
  output: VariantRef;
  /** The usual lot size: how many bicycles a run makes, the fixed per-lot costs shared over them (the lots below are about this size). */
  lotSize: number;
  steps: readonly StepDef[];
  /** Costs of a whole run: fixed per lot, or (isFixed false) per bicycle. */
  additional: readonly (readonly [type: CostType, description: string, amount: string, isFixed: boolean])[];
}

export const PROCESSES: readonly ProcessDef[] = [
  {
    name: 'Sparrow 12 Kids Bicycle',
    description: '12 inch kids bicycle with training wheels, from a bought-in painted frame',
    processClass: 'Kids bicycle',
    salesPrice: '3450.00',
    lotSize: 50,
    output: ['bike-sparrow', 'Assorted', '12 inch'],
    steps: [
      {
        subprocess: 'Wheel Building',
        uses: [
          ['rim-steel', 'Black', '12 inch', '2'],
          ['spokes', 'Plain', '12 inch', '2'],
          ['hub', 'Plain', 'General', '1'],
        ],
        groups: [],
        costs: [
          ['labour', 'Lacing and truing two wheels', '0.5', 'hr', '160.00'],
          ['overhead', 'Truing stand and workshop', '1', 'wheel set', '12.00'],
        ],
      },
      {
        subprocess: 'Tyre Fitting',
        uses: [
          ['tyre', 'Black', '12 inch', '2'],
          ['tube', 'Black', '12 inch', '2'],
        ],
        groups: [],
        costs: [['labour', 'Tyre and tube fitting', '0.25', 'hr', '160.00']],
      },
      {
        subprocess: 'Final Assembly',
        uses: [
          ['side-support', 'White', '12 inch', '1'],
          ['chainwheel', 'Black', '12 inch', '1'],
          ['grip', 'Black', 'General', '1'],
          ['brake-wire', 'Black', 'General', '1.6'],
        ],
        groups: [
          {
            name: 'Frame colour',
            description: 'The painted frame, in the colour the order asks for',
            quantity: '1',
            alternatives: [
              ['frame-sparrow', 'Red', '12 inch'],
              ['frame-sparrow', 'Navy', '12 inch'],
              ['frame-sparrow', 'Pink', '12 inch'],
            ],
          },
          {
            name: 'Seat',
            description: 'A seat to go with the frame',
            quantity: '1',
            alternatives: [
              ['seat', 'Black', 'General'],
              ['seat', 'Red', 'General'],
              ['seat', 'Pink', 'General'],
            ],
          },
          {
            name: 'Mudguards',
            description: 'Front and rear pair matching the frame',
            quantity: '1',
            alternatives: [
              ['mudguard', 'Red', '12 inch'],
              ['mudguard', 'Navy', '12 inch'],
              ['mudguard', 'Pink', '12 inch'],
            ],
          },
        ],
        costs: [
          ['labour', 'Assembly and adjustment', '1', 'hr', '180.00'],
          ['overhead', 'Shop floor overhead', '1', 'bicycle', '45.00'],
          ['electricity', 'Compressor and power tools', '0.8', 'kWh', '9.50'],
        ],
      },
      {
        subprocess: 'Packing',
        uses: [
          ['carton', 'Plain', '12 inch', '1'],
          ['sticker-sparrow', 'White', '12 inch', '1'],
        ],
        groups: [],
        costs: [
          ['packing', 'Wrapping and strapping', '1', 'carton', '15.00'],
          ['labour', 'Packing', '0.1', 'hr', '140.00'],
        ],
      },
    ],
    additional: [
      ['transport', 'Freight to the dealer, per lot', '1800.00', true],
      ['other', 'Final inspection, per bicycle', '6.00', false],
    ],
  },
  {
    name: 'Comet 16 Bicycle',
    description: '16 inch double-bar bicycle with training wheels',
    processClass: 'Kids bicycle',
    salesPrice: '4650.00',
    lotSize: 40,
    output: ['bike-comet', 'Assorted', '16 inch'],
    steps: [
      {
        subprocess: 'Wheel Building',
        uses: [
          ['spokes', 'Plain', '16 inch', '2'],
          ['hub', 'Plain', 'General', '1'],
        ],
        groups: [
          {
            name: 'Rims',
            description: 'Chrome or black steel rims, whichever is in stock',
            quantity: '2',
            alternatives: [
              ['rim-steel', 'Plain', '16 inch'],
              ['rim-steel', 'Black', '16 inch'],
            ],
          },
        ],
        costs: [
          ['labour', 'Lacing and truing two wheels', '0.5', 'hr', '160.00'],
          ['overhead', 'Truing stand and workshop', '1', 'wheel set', '12.00'],
        ],
      },
      {
        subprocess: 'Tyre Fitting',
        uses: [
          ['tyre', 'Black', '16 inch', '2'],
          ['tube', 'Black', '16 inch', '2'],
        ],
        groups: [],
        costs: [['labour', 'Tyre and tube fitting', '0.25', 'hr', '160.00']],
      },
      {
        subprocess: 'Final Assembly',
        uses: [
          ['seat', 'Black', 'General', '1'],
          ['grip', 'Black', 'General', '1'],
          ['chainwheel', 'Black', '16 inch', '1'],
          ['side-support', 'Black', '16 inch', '1'],
          ['mudguard', 'Black', '16 inch', '1'],
          ['brake-wire', 'Black', 'General', '1.8'],
        ],
        groups: [
          {
            name: 'Frame colour',
            description: 'The painted frame, in the colour the order asks for',
            quantity: '1',
            alternatives: [
              ['frame-comet', 'Red', '16 inch'],
              ['frame-comet', 'Navy', '16 inch'],
              ['frame-comet', 'Black', '16 inch'],
            ],
          },
          {
            name: 'Chain cover',
            description: 'Matching the frame',
            quantity: '1',
            alternatives: [
              ['chaincover', 'Black', '16 inch'],
              ['chaincover', 'Red', '16 inch'],
              ['chaincover', 'Navy', '16 inch'],
            ],
          },
        ],
        costs: [
          ['labour', 'Assembly and adjustment', '1.2', 'hr', '180.00'],
          ['overhead', 'Shop floor overhead', '1', 'bicycle', '50.00'],
        ],
      },
      {
        subprocess: 'Packing',
        uses: [
          ['carton', 'Plain', '16 inch', '1'],
          ['sticker-comet', 'Black', '16 inch', '1'],
        ],
        groups: [],
        costs: [['packing', 'Wrapping and strapping', '1', 'carton', '15.00']],
      },
    ],
    additional: [['transport', 'Freight to the dealer, per lot', '2100.00', true]],
  },
  {
    name: 'Falcon 20 MTB',
    description: '20 inch mountain bicycle with suspension fork, painted in house',
    processClass: 'MTB',
    salesPrice: '7250.00',
    lotSize: 25,
    output: ['bike-falcon', 'Assorted', '20 inch'],
    steps: [
      {
        subprocess: 'Frame Painting',
        uses: [['kora-falcon', 'Plain', '20 inch', '1']],
        groups: [
          {
            name: 'Frame paint',
            description: 'Powder for one frame and fork',
            quantity: '0.35',
            alternatives: [
              ['powder', 'Black', 'General'],
              ['powder', 'Metallic Grey', 'General'],
              ['powder', 'Floro Orange', 'General'],
            ],
          },
        ],
        costs: [
          ['labour', 'Masking, coating and unmasking', '0.4', 'hr', '170.00'],
          ['electricity', 'Stoving oven', '2.5', 'kWh', '9.50'],
          ['overhead', 'Pre-treatment chemicals', '1', 'frame', '28.00'],
        ],
      },
      {
        subprocess: 'Wheel Building',
        customName: 'Wheel building and tyre fitting',
        uses: [
          ['spokes', 'Plain', '20 inch', '2'],
          ['hub', 'Black', 'General', '1'],
          ['tyre', 'Black', '20 inch', '2'],
          ['tube', 'Black', '20 inch', '2'],
        ],
        groups: [
          {
            name: 'Rims',
            description: 'Alloy rims, or steel when alloy is short',
            quantity: '2',
            alternatives: [
              ['rim-alloy', 'Black', '20 inch'],
              ['rim-alloy', 'Metallic Grey', '20 inch'],
              ['rim-steel', 'Black', '20 inch'],
            ],
          },
        ],
        costs: [
          ['labour', 'Lacing, truing and tyre fitting', '0.75', 'hr', '160.00'],
          ['overhead', 'Truing stand and workshop', '1', 'wheel set', '12.00'],
        ],
      },
      {
        subprocess: 'Final Assembly',
        uses: [
          ['seat', 'Black', 'General', '1'],
          ['grip', 'Black', 'General', '1'],
          ['chainwheel', 'Black', '20 inch', '1'],
          ['mudguard', 'Black', '20 inch', '1'],
          ['brake-wire', 'Black', 'General', '2.2'],
        ],
        groups: [
          {
            name: 'Suspension fork',
            description: 'Black or grey, to go with the frame paint',
            quantity: '1',
            alternatives: [
              ['fork-falcon', 'Black', '20 inch'],
              ['fork-falcon', 'Metallic Grey', '20 inch'],
            ],
          },
        ],
        costs: [
          ['labour', 'Assembly and adjustment', '1.5', 'hr', '180.00'],
          ['overhead', 'Shop floor overhead', '1', 'bicycle', '60.00'],
        ],
      },
      {
        subprocess: 'Packing',
        uses: [
          ['carton', 'Plain', '20 inch', '1'],
          ['sticker-falcon', 'White', '20 inch', '1'],
        ],
        groups: [],
        costs: [['packing', 'Wrapping and strapping', '1', 'carton', '18.00']],
      },
    ],
    additional: [
      ['transport', 'Freight to the dealer, per lot', '2400.00', true],
      ['other', 'Tooling wear, per bicycle', '12.00', false],
    ],
  },
];

export type LotStatus = 'planning' | 'ready' | 'in_progress' | 'completed';
export interface LotDef {
  process: string;
  quantity: number;
  status: LotStatus;
  notes: string;
  /** When it was created, marked ready, started and completed, in days before the seed runs. */
  days: { created: number; ready?: number; started?: number; completed?: number };
  /** The variant chosen for each substitute group of the process, by group name. */
  picks: Readonly<Record<string, VariantRef>>;
}

export const LOTS: readonly LotDef[] = [
  {
    process: 'Sparrow 12 Kids Bicycle',
    quantity: 50,
    status: 'completed',
    notes: 'Dealer order for the festive season',
    days: { created: 12, ready: 10, started: 8, completed: 3 },
    picks: { 'Frame colour': ['frame-sparrow', 'Red', '12 inch'], Seat: ['seat', 'Black', 'General'], Mudguards: ['mudguard', 'Red', '12 inch'] },
  },
  {
    process: 'Comet 16 Bicycle',
    quantity: 40,
    status: 'in_progress',
    notes: 'School order, navy only',
    days: { created: 6, ready: 4, started: 1 },
    picks: { Rims: ['rim-steel', 'Black', '16 inch'], 'Frame colour': ['frame-comet', 'Navy', '16 inch'], 'Chain cover': ['chaincover', 'Navy', '16 inch'] },
  },
  {
    process: 'Falcon 20 MTB',
    quantity: 25,
    status: 'ready',
    notes: 'Showroom stock; orange paint is short, check before starting',
    days: { created: 4, ready: 2 },
    picks: {
      'Frame paint': ['powder', 'Floro Orange', 'General'],
      Rims: ['rim-alloy', 'Black', '20 inch'],
      'Suspension fork': ['fork-falcon', 'Black', '20 inch'],
    },
  },
  {
    process: 'Sparrow 12 Kids Bicycle',
    quantity: 100,
    status: 'planning',
    notes: 'Next month, if the pink frames arrive',
    days: { created: 1 },
    picks: { 'Frame colour': ['frame-sparrow', 'Pink', '12 inch'], Seat: ['seat', 'Pink', 'General'], Mudguards: ['mudguard', 'Pink', '12 inch'] },
  },
];

/** A line of a demo purchase order: the supplier's rate in effect on the order's day is its price. */
export interface PurchaseLineDef {
  variant: VariantRef;
  quantity: string;
  /** GST in percent. */
  taxRate: string;
  discountRate?: string;
}

/** A goods receipt against an order: how much of each of its lines came (in line order; '0' for none), as the bill says. */
export interface ReceiptDef {
  daysAgo: number;
  billNumber: string;
  taxPercentage: string;
  discountPercentage?: string;
  discountAmount?: string;
  quantities: readonly string[];
  notes?: string;
}

export type PurchaseStatus = 'draft' | 'sent' | 'partially_received' | 'received' | 'closed' | 'cancelled';

export interface PurchaseOrderDef {
  supplier: string;
  status: PurchaseStatus;
  notes: string | null;
  /** Ordered and expected (negative: still to come), in days before the seed runs. */
  days: { ordered: number; expected: number };
  /** Why it was cancelled or closed short. */
  reason?: string;
  lines: readonly PurchaseLineDef[];
  receipts: readonly ReceiptDef[];
}

/**
 * The demo's purchase orders, one in every status, in the order they were placed, each to a
 * supplier that has a rate for its lines (the category's usual supplier, or the second source
 * of what processes use). Their receipts come before the completed lot is finished, so it
 * consumes at the average cost they made.
 */
export const PURCHASE_ORDERS: readonly PurchaseOrderDef[] = [
  {
    supplier: 'ankur',
    status: 'closed',
    notes: 'Frames for the festive season lots',
    days: { ordered: 26, expected: 18 },
    lines: [
      { variant: ['frame-sparrow', 'Red', '12 inch'], quantity: '60', taxRate: '12', discountRate: '2' },
      { variant: ['frame-comet', 'Navy', '16 inch'], quantity: '60', taxRate: '12', discountRate: '2' },
    ],
    receipts: [{ daysAgo: 19, billNumber: 'AFW/2526/0412', taxPercentage: '12', quantities: ['60', '60'] }],
  },
  {
    supplier: 'saarthi',
    status: 'received',
    notes: null,
    days: { ordered: 20, expected: 12 },
    lines: [
      { variant: ['seat', 'Black', 'General'], quantity: '150', taxRate: '18' },
      { variant: ['grip', 'Black', 'General'], quantity: '200', taxRate: '18' },
      { variant: ['mudguard', 'Red', '12 inch'], quantity: '80', taxRate: '18' },
      { variant: ['chainwheel', 'Black', '12 inch'], quantity: '60', taxRate: '18', discountRate: '5' },
    ],
    receipts: [
      { daysAgo: 14, billNumber: 'SCA-7781', taxPercentage: '18', discountPercentage: '1.5', quantities: ['150', '200', '0', '60'] },
      { daysAgo: 9, billNumber: 'SCA-7824', taxPercentage: '18', quantities: ['0', '0', '80', '0'], notes: 'The red mudguards came late' },
    ],
  },
  {
    supplier: 'dhara',
    status: 'cancelled',
    notes: null,
    days: { ordered: 15, expected: 8 },
    reason: 'Chakra delivers sooner at a lower rate',
    lines: [
      { variant: ['tube', 'Black', '20 inch'], quantity: '100', taxRate: '12' },
      { variant: ['tyre', 'Black', '20 inch'], quantity: '100', taxRate: '12' },
    ],
    receipts: [],
  },
  {
    supplier: 'chakra',
    status: 'partially_received',
    notes: 'Wheels for the Comet school order',
    days: { ordered: 10, expected: 3 },
    lines: [
      { variant: ['rim-steel', 'Black', '16 inch'], quantity: '120', taxRate: '12', discountRate: '3' },
      { variant: ['spokes', 'Plain', '16 inch'], quantity: '120', taxRate: '12' },
      { variant: ['tyre', 'Black', '16 inch'], quantity: '160', taxRate: '12' },
      { variant: ['tube', 'Black', '16 inch'], quantity: '160', taxRate: '12' },
    ],
    receipts: [
      {
        daysAgo: 6,
        billNumber: 'CRS/1187',
        taxPercentage: '12',
        discountAmount: '250.00',
        quantities: ['120', '60', '160', '100'],
        notes: 'Spokes and tubes to follow',
      },
    ],
  },
  {
    supplier: 'ankur',
    status: 'sent',
    notes: 'Pink frames for the Sparrow lot next month',
    days: { ordered: 3, expected: -7 },
    lines: [{ variant: ['frame-sparrow', 'Pink', '12 inch'], quantity: '100', taxRate: '12' }],
    receipts: [],
  },
  {
    supplier: 'rangoli',
    status: 'draft',
    notes: 'Orange powder for the Falcon lot; check the carton price before sending',
    days: { ordered: 1, expected: -10 },
    lines: [
      { variant: ['powder', 'Floro Orange', 'General'], quantity: '50', taxRate: '18' },
      { variant: ['carton', 'Plain', '20 inch'], quantity: '60', taxRate: '12' },
    ],
    receipts: [],
  },
];

/** A receipt without an order: bought at the counter. */
export const RECEIPTS_ON_THEIR_OWN: readonly {
  supplier: string;
  daysAgo: number;
  billNumber: string;
  taxPercentage: string;
  notes: string;
  lines: readonly { variant: VariantRef; quantity: string; unitCost: string }[];
}[] = [
  {
    supplier: 'saarthi',
    daysAgo: 5,
    billNumber: 'SCA-C-0093',
    taxPercentage: '18',
    notes: 'Bought at the counter, no order',
    lines: [
      { variant: ['bell', 'Metallic Grey', 'General'], quantity: '40', unitCost: '41.50' },
      { variant: ['basket', 'White', 'General'], quantity: '12', unitCost: '176.00' },
    ],
  },
];
