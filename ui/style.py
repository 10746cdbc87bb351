"""The app's CSS and the script that makes citation numbers open their passage."""

CSS = """
.cairn-badge { padding: 10px 14px; border-radius: 8px; font-size: 15px; margin-bottom: 4px; }
.cairn-pass { background: #e6f4ea; color: #1e6b34; border: 1px solid #8fcf9f; }
.cairn-warn { background: #fff4e0; color: #8a5300; border: 1px solid #f0bf6c; }
.cairn-block { background: #fde7e7; color: #9b1c1c; border: 1px solid #f2a0a0; }
.cairn-checking { background: #f1f3f5; color: #555; border: 1px solid #ccd; }
.cairn-meta { font-size: 12px; color: #666; margin-bottom: 8px; }
.cairn-sources { max-height: 520px; overflow-y: auto; }
.cairn-source { border: 1px solid #ddd; border-radius: 8px; padding: 8px 10px; margin: 6px 0;
                transition: box-shadow .3s, border-color .3s; }
.cairn-source.cairn-flash { border-color: #2563eb; box-shadow: 0 0 0 3px rgba(37,99,235,.25); }
.cairn-source-head { font-weight: 600; }
.cairn-source-section { font-size: 12px; color: #555; margin-bottom: 4px; }
.cairn-passage { font-size: 13px; line-height: 1.45; }
.cairn-passage mark { background: #fff3a3; }
.cairn-cite { font-size: 11px; color: #666; margin-top: 4px; }
.cairn-disclaimer { font-size: 12px; color: #666; }
"""

# Citation links in answers ("#cite-3") scroll to and flash their passage in the sources panel.
HEAD = """
<script>
document.addEventListener("click", function (event) {
  const link = event.target.closest && event.target.closest('a[href^="#cite-"]');
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  const target = document.getElementById(link.getAttribute("href").slice(1));
  if (!target) return;
  target.scrollIntoView({behavior: "smooth", block: "center"});
  document.querySelectorAll(".cairn-flash").forEach((el) => el.classList.remove("cairn-flash"));
  target.classList.add("cairn-flash");
}, true);
</script>
"""
