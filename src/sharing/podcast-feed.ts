import { Feed } from 'feed';

export interface FeedEpisode {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly url: string;
  readonly publishedAt: string;
  readonly audioUrl: string;
  readonly audioBytes: number;
  /** Seconds, for itunes:duration. */
  readonly durationSeconds: number;
}

/**
 * RSS 2.0 with one enclosure per replay (the single-file .m4a download), which is what podcast apps
 * read. Rendered by the `feed` package; the episodes are the host's ended Spaces that have a recording.
 */
export function renderPodcastFeed(opts: { title: string; description: string; link: string; feedUrl: string; author: string; language: string; episodes: readonly FeedEpisode[] }): string {
  const feed = new Feed({
    title: opts.title,
    description: opts.description,
    id: opts.link,
    link: opts.link,
    language: opts.language,
    copyright: opts.author,
    author: { name: opts.author },
    feedLinks: { rss: opts.feedUrl },
    updated: opts.episodes[0] ? new Date(opts.episodes[0].publishedAt) : new Date(0),
    generator: 'Tribune',
    // The iTunes and Google Play namespaces podcast apps read (author, duration, explicit).
    podcast: true,
  });
  feed.addExtension({ name: 'itunes:explicit', objects: { _text: 'false' } });
  feed.addExtension({ name: 'itunes:type', objects: { _text: 'episodic' } });
  for (const e of opts.episodes) {
    feed.addItem({
      title: e.title,
      id: e.url,
      link: e.url,
      description: e.description || e.title,
      date: new Date(e.publishedAt),
      audio: { url: e.audioUrl, type: 'audio/mp4', length: e.audioBytes, duration: Math.max(1, Math.round(e.durationSeconds)) },
    });
  }
  return feed.rss2();
}
