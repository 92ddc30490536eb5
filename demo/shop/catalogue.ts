/** The demo shop's catalogue and orders: fixed data, so the demo answers the same way every time. */

export interface Product {
  sku: string;
  name: string;
  category: string;
  price_usd: number;
  in_stock: number;
}

export interface Order {
  order_id: string;
  status: 'processing' | 'shipped' | 'delivered' | 'cancelled';
  items: string[];
  /** ISO date it shipped, arrived or is expected. */
  date: string;
  carrier?: string;
}

/** Kettle & Crema's shelves: what the demo pages show, and a little more. */
export const PRODUCTS: readonly Product[] = [
  { sku: 'KC-ARIA', name: 'Aria Pour-Over Kettle', category: 'kettles', price_usd: 89, in_stock: 14 },
  { sku: 'KC-ARIA-W', name: 'Aria Kettle, walnut handle', category: 'kettles', price_usd: 99, in_stock: 0 },
  { sku: 'KC-GRIND', name: 'Hand grinder', category: 'grinders', price_usd: 129, in_stock: 6 },
  { sku: 'KC-SCALE', name: 'Brew scale', category: 'scales', price_usd: 49, in_stock: 22 },
  { sku: 'KC-FILT', name: 'Paper filters (100)', category: 'filters', price_usd: 8, in_stock: 140 },
  { sku: 'KC-V60', name: 'V60 dripper, ceramic', category: 'drippers', price_usd: 32, in_stock: 9 },
  { sku: 'KC-BEAN', name: 'House espresso beans, 1 kg', category: 'coffee beans', price_usd: 34, in_stock: 30 },
  { sku: 'KC-MILK', name: 'Milk frother', category: 'accessories', price_usd: 39, in_stock: 3 },
];

export const ORDERS: readonly Order[] = [
  { order_id: 'KC-20417', status: 'delivered', items: ['KC-ARIA'], date: '2026-03-14', carrier: 'Royal Mail Tracked 48' },
  { order_id: 'KC-20418', status: 'shipped', items: ['KC-GRIND', 'KC-FILT'], date: '2026-12-01', carrier: 'DPD' },
  { order_id: 'KC-20419', status: 'processing', items: ['KC-SCALE'], date: '2026-12-04' },
  { order_id: 'KC-20420', status: 'cancelled', items: ['KC-MILK'], date: '2026-11-30' },
];

/** Words too common to search by. */
const STOP_WORDS = new Set(['a', 'an', 'the', 'do', 'you', 'have', 'any', 'what', 'which', 'show', 'me', 'find', 'for', 'in', 'is', 'are', 'of', 'some', 'your', 'products', 'product', 'sell', 'stock', 'how', 'much', 'does', 'cost', 'price', 'prices', 'there', 'can', 'buy', 'get']);

/** The products whose name, category or SKU matches a word of `query`; all of them for an empty query. */
export function searchProducts(query: string): Product[] {
  const words = query
    .toLowerCase()
    .split(/[^a-z0-9-]+/)
    .filter((word) => word.length > 1 && !STOP_WORDS.has(word))
    .map((word) => word.replace(/s$/, ''));
  if (words.length === 0) return [...PRODUCTS];
  return PRODUCTS.filter((product) => {
    const haystack = `${product.name} ${product.category} ${product.sku}`.toLowerCase();
    return words.some((word) => haystack.includes(word));
  });
}

/** The order numbered `orderId`, written `KC-20417`, `#KC-20417` or `20417`. */
export function findOrder(orderId: string): Order | undefined {
  const digits = orderId.replace(/^#?(KC-)?/i, '').trim();
  return ORDERS.find((order) => order.order_id === `KC-${digits}`);
}

/** A product as one line of Markdown. */
export function productLine(product: Product): string {
  const stock = product.in_stock > 0 ? `${product.in_stock} in stock` : 'out of stock';
  return `- **${product.name}** (${product.sku}): $${product.price_usd}, ${stock}`;
}

/** An order's status as a sentence. */
export function orderSentence(order: Order): string {
  const items = order.items.map((sku) => PRODUCTS.find((product) => product.sku === sku)?.name ?? sku).join(', ');
  switch (order.status) {
    case 'shipped':
      return `Order ${order.order_id} (${items}) shipped on ${order.date} with ${order.carrier}.`;
    case 'delivered':
      return `Order ${order.order_id} (${items}) was delivered on ${order.date} by ${order.carrier}.`;
    case 'processing':
      return `Order ${order.order_id} (${items}) is being prepared; it should ship by ${order.date}.`;
    case 'cancelled':
      return `Order ${order.order_id} (${items}) was cancelled on ${order.date}.`;
  }
}
