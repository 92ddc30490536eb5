import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createServices } from './services.js';

/** The API's entry point: reads the configuration, builds the app and listens. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`ngx-chat: configuration error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const services = await createServices(config);
  const server = createApp(services).listen(config.port, config.host);
  server.on('listening', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    services.log.info({ port, host: config.host, production: config.production }, `ngx-chat API listening on http://localhost:${port}`);
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    const hint = err.code === 'EADDRINUSE' ? `port ${config.port} is in use; set PORT to a free port.` : err.message;
    console.error(`ngx-chat: cannot listen: ${hint}`);
    process.exit(1);
  });
  const stop = async () => {
    server.close();
    await services.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
