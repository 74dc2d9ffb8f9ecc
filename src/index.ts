// Placeholder entry; the app is built in src/app.ts.
export default {
  fetch(): Response {
    return new Response('ok');
  },
} satisfies ExportedHandler;
