// The documentation site: the guides in docs/ as pages and the Redoc reference (docs/public/reference.html,
// built by `npm run docs`), with shared navigation and local search. Nothing is loaded from another host.
import { defineConfig } from "vitepress";

const guides = [
  { text: "The simulator", link: "/simulator" },
  { text: "MSW in front-end tests", link: "/msw" },
  { text: "Sandboxes", link: "/sandboxes" },
  { text: "Contract tests", link: "/contract-tests" },
  { text: "Authentication", link: "/authentication" },
  { text: "Rate limits", link: "/rate-limits" },
  { text: "Credits", link: "/credits" },
  { text: "Errors", link: "/errors" },
  { text: "Decisions register", link: "/decisions" },
  { text: "Architecture", link: "/architecture" },
];

export default defineConfig({
  title: "masko-contract",
  description:
    "Contract toolkit for the Masko REST API: spec, typed client, simulator, contract tests, load.",
  base: process.env.DOCS_BASE ?? "/",
  cleanUrls: false,
  lastUpdated: false,
  // The Redoc reference is a static page of its own.
  ignoreDeadLinks: [/^\/reference(\.html)?$/],
  head: [["meta", { name: "robots", content: "noindex" }]],
  themeConfig: {
    nav: [
      { text: "Guides", link: "/simulator" },
      { text: "API reference", link: "/reference.html", target: "_self" },
    ],
    sidebar: [
      { text: "Guides", items: guides },
      {
        text: "Reference",
        items: [{ text: "API reference (Redoc)", link: "/reference.html", target: "_self" }],
      },
    ],
    search: { provider: "local" },
    outline: [2, 3],
  },
});
