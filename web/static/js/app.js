/* Nitelik: the pages work without JavaScript; this file is for small
   enhancements only and is empty for now. Loaded with <script src> (never inline:
   the Content-Security-Policy forbids inline script). */
