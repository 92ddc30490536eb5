/** The demo shop's catalogue and orders: fixed data, so the demo answers the same way every time. */

export interface Product {
  sku: string;
  name: string;
  category: string;
  price_eur: number;
  in_stock: number;
}

export interface Order {
  order_id: string;
  status: 'processing' | 'shipped' | 'delivered' | 'cancelled';
  items: string[];
  /** ISO date it shipped or is expected. */
  date: string;
  carrier?: string;
}

export const PRODUCTS: readonly Product[] = [
  { sku: 'TR-200', name: 'Trail Runner 2', category: 'shoes', price_eur: 89, in_stock: 12 },
  { sku: 'CR-110', name: 'City Runner', category: 'shoes', price_eur: 69, in_stock: 0 },
  { sku: 'HB-300', name: 'Hiking Boot 300', category: 'shoes', price_eur: 129, in_stock: 4 },
  { sku: 'RJ-050', name: 'Rain Jacket', category: 'jackets', price_eur: 99, in_stock: 7 },
  { sku: 'DJ-070', name: 'Down Jacket', category: 'jackets', price_eur: 179, in_stock: 2 },
  { sku: 'SK-010', name: 'Merino Socks (3 pairs)', category: 'socks', price_eur: 24, in_stock: 40 },
  { sku: 'BP-220', name: 'Day Pack 22 L', category: 'bags', price_eur: 59, in_stock: 9 },
  { sku: 'BT-075', name: 'Water Bottle 0.75 L', category: 'accessories', price_eur: 15, in_stock: 31 },
];

export const ORDERS: readonly Order[] = [
  { order_id: '1042', status: 'shipped', items: ['TR-200'], date: '2026-12-01', carrier: 'DHL' },
  { order_id: '1043', status: 'processing', items: ['RJ-050', 'SK-010'], date: '2026-12-04' },
  { order_id: '1044', status: 'delivered', items: ['BP-220'], date: '2026-11-28', carrier: 'UPS' },
  { order_id: '1045', status: 'cancelled', items: ['DJ-070'], date: '2026-11-30' },
];

/** Words too common to search by. */
const STOP_WORDS = new Set(['a', 'an', 'the', 'do', 'you', 'have', 'any', 'what', 'which', 'show', 'me', 'find', 'for', 'in', 'is', 'are', 'of', 'some', 'your', 'products', 'product', 'sell', 'stock']);

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

export function findOrder(orderId: string): Order | undefined {
  const id = orderId.replace(/^#/, '').trim();
  return ORDERS.find((order) => order.order_id === id);
}

/** A product as one line of Markdown. */
export function productLine(product: Product): string {
  const stock = product.in_stock > 0 ? `${product.in_stock} in stock` : 'out of stock';
  return `- **${product.name}** (${product.sku}): €${product.price_eur}, ${stock}`;
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
