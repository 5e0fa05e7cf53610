// The Worker: the app over the bundled content index and the real clock.
import { createApp } from "./app.js";
import index from "./generated/content-index.js";
import { BundledStore } from "./store/bundled.js";

export default createApp({ store: new BundledStore(index), now: Date.now });
