<?xml version="1.0" encoding="utf-8"?>
<!--
  What a person sees on opening /feed.rss or /feed.atom in a browser: an Arabic, right-to-left
  page that says what a feed is, how to subscribe to it, and lists its items. Feed readers never
  load it. XSLT 1.0 (browsers run libxslt), no script, no external assets. Text from the feed
  is always written as text, never as markup: item titles and summaries, which both formats
  carry as escaped HTML, are decoded first (see the "unescape" template).
  Served by GET /feed.xsl (src/routes/feed-stylesheet.ts), bundled at build time.
-->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  exclude-result-prefixes="atom dc">

  <xsl:output method="html" encoding="utf-8" indent="no" doctype-system="about:legacy-compat"/>

  <xsl:variable name="isAtom" select="boolean(/atom:feed)"/>
  <xsl:variable name="format">
    <xsl:choose>
      <xsl:when test="$isAtom">Atom</xsl:when>
      <xsl:otherwise>RSS</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="title">
    <xsl:choose>
      <xsl:when test="$isAtom"><xsl:call-template name="text"><xsl:with-param name="node" select="/atom:feed/atom:title"/></xsl:call-template></xsl:when>
      <xsl:otherwise><xsl:value-of select="/rss/channel/title"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="description">
    <xsl:choose>
      <xsl:when test="$isAtom"><xsl:call-template name="text"><xsl:with-param name="node" select="/atom:feed/atom:subtitle"/></xsl:call-template></xsl:when>
      <xsl:otherwise><xsl:value-of select="/rss/channel/description"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="home">
    <xsl:choose>
      <xsl:when test="$isAtom"><xsl:value-of select="/atom:feed/atom:link[@rel = 'alternate' or not(@rel)][1]/@href"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="/rss/channel/link"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="self">
    <xsl:choose>
      <xsl:when test="$isAtom"><xsl:value-of select="/atom:feed/atom:link[@rel = 'self'][1]/@href"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="/rss/channel/atom:link[@rel = 'self'][1]/@href"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:template match="/">
    <html lang="ar" dir="rtl">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="referrer" content="no-referrer"/>
        <title><xsl:value-of select="$title"/> · خلاصة <xsl:value-of select="$format"/></title>
        <style>
*{box-sizing:border-box}body{margin:0;font-family:Tahoma,"Segoe UI","Noto Naskh Arabic","Noto Sans Arabic",Arial,sans-serif;
background:#f4f1ea;color:#1f2328;line-height:1.8}main{max-width:40rem;margin:0 auto;padding:1.5rem 1rem}
h1{font-size:1.6rem;margin:.25rem 0 .5rem}h2{font-size:1.2rem;margin:0 0 .5rem}a{color:#0b5d4b}
a:focus-visible{outline:3px solid #e0a526;outline-offset:2px}
.card{background:#fff;border-radius:8px;padding:1.25rem;box-shadow:0 1px 2px rgba(0,0,0,.08);margin:0 0 1rem;overflow-wrap:anywhere}
.kind{display:inline-block;margin:0;padding:0 .6rem;border-radius:999px;background:#e6efe9;color:#0b5d4b;font-size:.85rem;font-weight:700}
.about{border-inline-start:4px solid #0b5d4b}.about ol{margin:.25rem 0 .75rem;padding-inline-start:1.25rem}.about li{margin:.3rem 0}
.address{display:block;margin:.4rem 0;padding:.5rem .7rem;background:#f4f1ea;border:1px solid #c9c2b2;border-radius:6px;
direction:ltr;text-align:left;font-family:Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.9rem;overflow-wrap:anywhere;user-select:all}
.muted{color:#57606a;font-size:.9rem}p{margin:.5rem 0}
.items{list-style:none;margin:0;padding:0}.item h3{font-size:1.15rem;margin:0 0 .25rem;line-height:1.6}.item h3 a{text-decoration:none}
.item h3 a:hover{text-decoration:underline}.meta{margin:0 0 .5rem}
@media (max-width:30rem){main{padding:1rem .75rem}.card{padding:1rem}.address{font-size:.8rem}}
        </style>
      </head>
      <body>
        <main>
          <header class="card">
            <p class="kind">خلاصة <xsl:value-of select="$format"/></p>
            <h1><xsl:value-of select="$title"/></h1>
            <xsl:if test="normalize-space($description)">
              <p><xsl:value-of select="$description"/></p>
            </xsl:if>
            <xsl:if test="starts-with($home, 'http://') or starts-with($home, 'https://')">
              <p><a href="{$home}">زيارة الموقع</a></p>
            </xsl:if>
          </header>

          <section class="card about" aria-labelledby="about-title">
            <h2 id="about-title">ما هذه الصفحة؟</h2>
            <p>هذه <strong>خلاصة</strong> (<xsl:value-of select="$format"/>): عنوان تتابع به جديد «<xsl:value-of select="$title"/>» في تطبيق لقراءة الخلاصات، فتصلك المقالات الجديدة فور نشرها دون أن تزور الموقع ودون بريد إلكتروني. المتصفح يعرضها بهذا الشكل، أما قارئ الخلاصات فيتابعها نيابة عنك.</p>
            <h2>كيف تشترك؟</h2>
            <ol>
              <li>انسخ عنوان هذه الصفحة من شريط العنوان في متصفحك<xsl:if test="normalize-space($self)">، وهو:<code class="address" dir="ltr"><xsl:value-of select="$self"/></code></xsl:if></li>
              <li>الصقه في قارئ خلاصات مثل Feedly أو Inoreader أو NetNewsWire أو Miniflux، في خانة الإضافة أو المتابعة.</li>
              <li>ستظهر المقالات الجديدة في القارئ تلقائيًا، ويمكنك إلغاء المتابعة منه متى شئت.</li>
            </ol>
            <p class="muted">تفضّل البريد الإلكتروني؟ <a href="/subscribe">اشترك في النشرة البريدية</a>.</p>
          </section>

          <section aria-labelledby="items-title">
            <h2 id="items-title">أحدث المقالات</h2>
            <xsl:choose>
              <xsl:when test="/rss/channel/item or /atom:feed/atom:entry">
                <ol class="items">
                  <xsl:apply-templates select="/rss/channel/item | /atom:feed/atom:entry"/>
                </ol>
              </xsl:when>
              <xsl:otherwise>
                <p class="card muted">لا توجد مقالات في هذه الخلاصة بعد.</p>
              </xsl:otherwise>
            </xsl:choose>
          </section>
        </main>
      </body>
    </html>
  </xsl:template>

  <!--
    RSS 2.0 item. Readers treat an item's title and description as HTML, so the feeds written
    here escape their plain text as HTML: decoded, then shown as text. The author is dc:creator
    when present, else <author> ("email (Name)" or a name).
  -->
  <xsl:template match="item">
    <xsl:call-template name="item">
      <xsl:with-param name="title">
        <xsl:call-template name="unescape"><xsl:with-param name="s" select="string(title)"/></xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="link">
        <xsl:choose>
          <xsl:when test="link"><xsl:value-of select="link"/></xsl:when>
          <xsl:when test="guid[not(@isPermaLink = 'false')]"><xsl:value-of select="guid"/></xsl:when>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="author">
        <xsl:choose>
          <xsl:when test="dc:creator"><xsl:value-of select="dc:creator"/></xsl:when>
          <xsl:when test="contains(author, '(') and contains(author, ')')">
            <xsl:value-of select="substring-before(substring-after(author, '('), ')')"/>
          </xsl:when>
          <xsl:otherwise><xsl:value-of select="author"/></xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="date" select="string(pubDate)"/>
      <xsl:with-param name="summary">
        <xsl:call-template name="unescape"><xsl:with-param name="s" select="string(description)"/></xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- Atom 1.0 entry. An entry without an author has the feed's. -->
  <xsl:template match="atom:entry">
    <xsl:call-template name="item">
      <xsl:with-param name="title">
        <xsl:call-template name="text"><xsl:with-param name="node" select="atom:title"/></xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="link" select="string(atom:link[@rel = 'alternate' or not(@rel)][1]/@href)"/>
      <xsl:with-param name="author">
        <xsl:for-each select="atom:author/atom:name | /atom:feed[not(current()/atom:author)]/atom:author/atom:name">
          <xsl:if test="position() &gt; 1">، </xsl:if>
          <xsl:value-of select="."/>
        </xsl:for-each>
      </xsl:with-param>
      <xsl:with-param name="date">
        <xsl:choose>
          <xsl:when test="atom:published"><xsl:value-of select="atom:published"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="atom:updated"/></xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="summary">
        <xsl:call-template name="text"><xsl:with-param name="node" select="atom:summary"/></xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- One item card, from plain strings. Only http(s) links become links. -->
  <xsl:template name="item">
    <xsl:param name="title"/>
    <xsl:param name="link"/>
    <xsl:param name="author"/>
    <xsl:param name="date"/>
    <xsl:param name="summary"/>
    <xsl:variable name="label">
      <xsl:choose>
        <xsl:when test="normalize-space($title)"><xsl:value-of select="$title"/></xsl:when>
        <xsl:otherwise>(بلا عنوان)</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="scheme" select="translate(substring-before($link, ':'), 'HTPS', 'htps')"/>
    <li class="card item">
      <h3>
        <xsl:choose>
          <xsl:when test="$scheme = 'http' or $scheme = 'https'"><a href="{$link}"><xsl:value-of select="$label"/></a></xsl:when>
          <xsl:otherwise><xsl:value-of select="$label"/></xsl:otherwise>
        </xsl:choose>
      </h3>
      <xsl:if test="normalize-space($author) or normalize-space($date)">
        <p class="meta muted">
          <xsl:if test="normalize-space($author)"><bdi class="author"><xsl:value-of select="normalize-space($author)"/></bdi></xsl:if>
          <xsl:if test="normalize-space($author) and normalize-space($date)"> · </xsl:if>
          <xsl:if test="normalize-space($date)">
            <time datetime="{normalize-space($date)}"><xsl:call-template name="date"><xsl:with-param name="value" select="normalize-space($date)"/></xsl:call-template></time>
          </xsl:if>
        </p>
      </xsl:if>
      <xsl:if test="normalize-space($summary)">
        <p class="summary"><xsl:value-of select="$summary"/></p>
      </xsl:if>
    </li>
  </xsl:template>

  <!--
    The text of an Atom text construct. type="html" holds escaped HTML; the feeds written here
    put only escaped plain text in it, so entities are decoded and the result is written as
    text: any tag in it shows as characters, it never becomes markup.
  -->
  <xsl:template name="text">
    <xsl:param name="node"/>
    <xsl:choose>
      <xsl:when test="$node/@type = 'html'">
        <xsl:call-template name="unescape"><xsl:with-param name="s" select="string($node)"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$node"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Decodes &amp; &lt; &gt; &quot; &#39; &apos; in one pass; any other '&' is kept as is. -->
  <xsl:template name="unescape">
    <xsl:param name="s"/>
    <xsl:choose>
      <xsl:when test="contains($s, '&amp;')">
        <xsl:value-of select="substring-before($s, '&amp;')"/>
        <xsl:variable name="rest" select="substring-after($s, '&amp;')"/>
        <xsl:variable name="entity" select="substring-before($rest, ';')"/>
        <xsl:variable name="char">
          <xsl:choose>
            <xsl:when test="$entity = 'amp'">&amp;</xsl:when>
            <xsl:when test="$entity = 'lt'">&lt;</xsl:when>
            <xsl:when test="$entity = 'gt'">&gt;</xsl:when>
            <xsl:when test="$entity = 'quot'">"</xsl:when>
            <xsl:when test="$entity = '#39' or $entity = 'apos'">'</xsl:when>
          </xsl:choose>
        </xsl:variable>
        <xsl:choose>
          <xsl:when test="string-length($char) = 1">
            <xsl:value-of select="$char"/>
            <xsl:call-template name="unescape"><xsl:with-param name="s" select="substring-after($rest, ';')"/></xsl:call-template>
          </xsl:when>
          <xsl:otherwise>
            <xsl:text>&amp;</xsl:text>
            <xsl:call-template name="unescape"><xsl:with-param name="s" select="$rest"/></xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!--
    "29 نوفمبر 2026" from an RFC 822 date (RSS: "Sun, 29 Nov 2026 06:58:35 GMT") or an RFC 3339
    one (Atom: "2026-11-29T06:58:35Z"), the day as written in the feed (UTC here); anything else
    is shown as it is.
  -->
  <xsl:template name="date">
    <xsl:param name="value"/>
    <xsl:variable name="rfc822">
      <xsl:choose>
        <xsl:when test="contains($value, ',')"><xsl:value-of select="normalize-space(substring-after($value, ','))"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$value"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="iso" select="substring($value, 5, 1) = '-' and substring($value, 8, 1) = '-'"/>
    <xsl:variable name="day">
      <xsl:choose>
        <xsl:when test="$iso"><xsl:value-of select="number(substring($value, 9, 2))"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="number(substring-before($rfc822, ' '))"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="month">
      <xsl:choose>
        <xsl:when test="$iso"><xsl:value-of select="number(substring($value, 6, 2))"/></xsl:when>
        <xsl:otherwise>
          <xsl:variable name="name" select="substring(substring-after($rfc822, ' '), 1, 3)"/>
          <xsl:if test="string-length($name) = 3 and contains('JanFebMarAprMayJunJulAugSepOctNovDec', $name) and string-length(substring-before('JanFebMarAprMayJunJulAugSepOctNovDec', $name)) mod 3 = 0">
            <xsl:value-of select="string-length(substring-before('JanFebMarAprMayJunJulAugSepOctNovDec', $name)) div 3 + 1"/>
          </xsl:if>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="year">
      <xsl:choose>
        <xsl:when test="$iso"><xsl:value-of select="substring($value, 1, 4)"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="substring-before(concat(substring-after(substring-after($rfc822, ' '), ' '), ' '), ' ')"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="monthName">
      <xsl:choose>
        <xsl:when test="$month = 1">يناير</xsl:when>
        <xsl:when test="$month = 2">فبراير</xsl:when>
        <xsl:when test="$month = 3">مارس</xsl:when>
        <xsl:when test="$month = 4">أبريل</xsl:when>
        <xsl:when test="$month = 5">مايو</xsl:when>
        <xsl:when test="$month = 6">يونيو</xsl:when>
        <xsl:when test="$month = 7">يوليو</xsl:when>
        <xsl:when test="$month = 8">أغسطس</xsl:when>
        <xsl:when test="$month = 9">سبتمبر</xsl:when>
        <xsl:when test="$month = 10">أكتوبر</xsl:when>
        <xsl:when test="$month = 11">نوفمبر</xsl:when>
        <xsl:when test="$month = 12">ديسمبر</xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="$monthName != '' and $day &gt;= 1 and $day &lt;= 31 and string-length($year) = 4 and number($year) = number($year)">
        <xsl:value-of select="concat($day, ' ', $monthName, ' ', $year)"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$value"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
