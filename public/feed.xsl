<?xml version="1.0" encoding="utf-8"?>
<!-- Shows an RSS 2.0 or Atom 1.0 feed of this site as a readable page in browsers that run XSLT. -->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  exclude-result-prefixes="atom dc">
  <xsl:output method="html" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:variable name="title" select="/rss/channel/title | /atom:feed/atom:title"/>
  <!-- The site's base URL, which may hold a path (SITE_URL): the feed's icon lives at its root. -->
  <xsl:variable name="site" select="substring-before(/rss/channel/image/url | /atom:feed/atom:icon, 'icon.png')"/>
  <xsl:variable name="self" select="/rss/channel/atom:link[@rel='self']/@href | /atom:feed/atom:link[@rel='self']/@href"/>

  <xsl:template match="/">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> (feed)</title>
        <link rel="stylesheet" href="{$site}site.css"/>
      </head>
      <body>
        <header><a href="{$site}">Home</a></header>
        <main>
          <p class="banner">This is a web feed. <strong>Subscribe</strong> by copying its address into your feed reader:
            <code><xsl:value-of select="$self"/></code></p>
          <h1><xsl:value-of select="$title"/></h1>
          <p><xsl:value-of select="/rss/channel/description | /atom:feed/atom:subtitle"/></p>
          <ul class="articles">
            <xsl:apply-templates select="/rss/channel/item | /atom:feed/atom:entry"/>
          </ul>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="item">
    <li>
      <a href="{link}"><xsl:value-of select="title"/></a>
      <small> <xsl:value-of select="dc:creator"/> · <xsl:value-of select="substring(pubDate, 6, 11)"/></small>
    </li>
  </xsl:template>

  <xsl:template match="atom:entry">
    <li>
      <a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a>
      <small> <xsl:value-of select="atom:author/atom:name"/> · <xsl:value-of select="substring(atom:published, 1, 10)"/></small>
    </li>
  </xsl:template>
</xsl:stylesheet>
