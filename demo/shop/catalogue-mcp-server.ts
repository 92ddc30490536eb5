// The demo shop's catalogue as an MCP server over stdio: `npm start` has the API start it (see
// scripts/start.ts), and the demo agent calls its tools. Any MCP client can use it too:
//   node --import tsx demo/shop/catalogue-mcp-server.ts
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { findOrder, orderSentence, productLine, searchProducts } from './catalogue.js';

const server = new McpServer({ name: 'kettle-and-crema-catalogue', version: '1.0.0' });

server.registerTool(
  'search_products',
  {
    title: 'Search products',
    description: "Searches the shop's catalogue by name, category or SKU; answers one Markdown line per product, with its price and stock.",
    inputSchema: { query: z.string().max(200).describe('Words to look for, e.g. "grinder"; empty for the whole catalogue') },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  async ({ query }) => {
    const found = searchProducts(query);
    const text = found.length > 0 ? found.map(productLine).join('\n') : `No product matches "${query}".`;
    return { content: [{ type: 'text', text }] };
  },
);

server.registerTool(
  'get_order_status',
  {
    title: 'Get order status',
    description: 'Tells where an order is: processing, shipped, delivered or cancelled, with its items and date.',
    inputSchema: { order_id: z.string().max(20).describe('The order number, e.g. "KC-20417"') },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  async ({ order_id }) => {
    const order = findOrder(order_id);
    if (!order) return { content: [{ type: 'text', text: `There is no order ${order_id}; the demo has orders KC-20417 to KC-20420.` }], isError: true };
    return { content: [{ type: 'text', text: orderSentence(order) }] };
  },
);

await server.connect(new StdioServerTransport());
