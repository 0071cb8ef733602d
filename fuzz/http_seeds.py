#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_http (fuzz/corpus/http/) in its input format
(see fuzz/fuzz_http.c): a persona byte, a route byte (the route's index in
src/http/routes.c), a method byte, then lines: path parameters, query, headers,
an empty line, the body. Raw requests start with a byte of value 0x80.
Run from the repository root after changing the route table."""
import os
import re

ROUTES = re.findall(r'\{"([A-Z]+)", "([^"]+)"', open('src/http/routes.c').read())
NOBODY, ADMIN, ADMIN_COOKIE, CAM, PIM, PARTNER, PARTNER_COOKIE, POSTHOUSE = range(8)
CT = 0x20  # persona flag: add a Content-Type (JSON, or form on pages)


def route(method, pattern):
    return ROUTES.index((method, pattern))


def seed(name, who, method, pattern, params=(), query='', headers=(), body=b''):
    data = bytes([who, route(method, pattern), 0])
    for p in params:
        data += p.encode() + b'\n'
    data += query.encode() + b'\n'
    for h in headers:
        data += h.encode() + b'\n'
    data += b'\n' + (body if isinstance(body, bytes) else body.encode())
    write(name, data)


def raw(name, request):
    write(name, b'\x80' + request)


def write(name, data):
    with open(os.path.join('fuzz/corpus/http', name), 'wb') as f:
        f.write(data)


os.makedirs('fuzz/corpus/http', exist_ok=True)
seed('me', ADMIN, 'GET', '/api/v1/me')
seed('me_cookie', PARTNER_COOKIE, 'GET', '/api/v1/me')
seed('healthz', NOBODY, 'GET', '/healthz')
seed('session_create', NOBODY | CT, 'POST', '/api/v1/session',
     body='{"email":"admin@fuzz.test","password":"fuzzing password 1"}')
seed('session_delete', ADMIN_COOKIE, 'DELETE', '/api/v1/session')
seed('partner_create', ADMIN | CT, 'POST', '/api/v1/partners',
     body='{"name":"Acme \\u00e9","contact_email":"a@acme.test","time_zone":"Asia/Tokyo",'
          '"channels":false,"posthouse":false}')
seed('partners_list', CAM, 'GET', '/api/v1/partners', query='q=fuzz&sort=name&dir=desc&mine=1')
seed('partner_get', PARTNER, 'GET', '/api/v1/partners/{id}', params=['2'])
seed('partner_events', ADMIN, 'GET', '/api/v1/partners/{id}/events', params=['2'],
     query='before=100&limit=5')
seed('users_create', ADMIN | CT, 'POST', '/api/v1/users',
     body='{"email":"p2@fuzz.test","name":"P","role":"partner","password":"long enough password",'
          '"partner":2}')
seed('calendar_create', ADMIN | CT, 'POST', '/api/v1/calendars',
     body='{"name":"UK","time_zone":"Europe/London","working_days":[1,2,3,4,5]}')
seed('calendar_ics', ADMIN | CT, 'POST', '/api/v1/calendars/{id}/ics', params=['1'],
     body='BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\n'
          'SUMMARY:Xmas\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n')
seed('questionnaire_patch', PARTNER | CT, 'PATCH', '/api/v1/partners/{id}/questionnaire',
     params=['2'], body='{"answers":{"company_name":"Fuzz Films","catalogue_size":12}}')
seed('setup_item', ADMIN | CT, 'PUT', '/api/v1/partners/{id}/setup/{item}', params=['2', 'alias'],
     body='{"done":true,"value":"fuzzfilms"}')
seed('request_create', CAM | CT, 'POST', '/api/v1/partners/{id}/requests', params=['2'],
     body='{"kind":"avails","title":"Q1","note":"n"}')
seed('request_message', PARTNER | CT, 'POST', '/api/v1/requests/{id}/messages', params=['1'],
     body='{"body":"hello"}')
seed('clock_extend', PIM | CT, 'POST', '/api/v1/clocks/{id}/extend', params=['1'],
     body='{"days":3,"reason":"holiday"}')
seed('delivery_create', PARTNER | CT, 'POST', '/api/v1/deliveries',
     body='{"partner":2,"request":1,"kind":"avails","files":[]}')
seed('feed', NOBODY, 'GET', '/api/v1/me/calendar.ics', query='token=' + 'A' * 43)
seed('tokens_create', ADMIN | CT, 'POST', '/api/v1/me/tokens', body='{"label":"ci","days":30}')
seed('password', PARTNER_COOKIE | CT, 'POST', '/api/v1/me/password',
     body='{"current":"fuzzing password 1","password":"fuzzing password 2"}')
seed('plan', CAM, 'GET', '/api/v1/plan', query='from=2026-01-01&to=2026-03-01')
seed('dashboard', ADMIN, 'GET', '/api/v1/dashboard', query='stage=training&page=2')
seed('uploads_list', PARTNER, 'GET', '/api/v1/uploads', query='state=complete')
seed('invitation_accept', NOBODY | CT, 'POST', '/api/v1/invitations/{token}', params=[''],
     body='{"name":"New","password":"a long password here"}')
seed('tus_options', NOBODY, 'OPTIONS', '/files/', headers=['Tus-Resumable: 1.0.0'])
seed('tus_create', PARTNER, 'POST', '/files/',
     headers=['Tus-Resumable: 1.0.0', 'Upload-Length: 4',
              'Upload-Metadata: filename YS54bWw=,filetype dGV4dC94bWw=',
              'Content-Type: application/offset+octet-stream'], body=b'<a/>')
seed('tus_create_defer', POSTHOUSE, 'POST', '/files/',
     headers=['Tus-Resumable: 1.0.0', 'Upload-Defer-Length: 1', 'Upload-Metadata: partner Mg=='])
seed('tus_partial', PARTNER, 'POST', '/files/',
     headers=['Tus-Resumable: 1.0.0', 'Upload-Length: 2', 'Upload-Concat: partial'])
seed('tus_final', PARTNER, 'POST', '/files/',
     headers=['Tus-Resumable: 1.0.0', 'Upload-Concat: final;/files/0 /files/1'])
seed('tus_head', PARTNER, 'HEAD', '/files/{id}', params=[''], headers=['Tus-Resumable: 1.0.0'])
seed('tus_patch', PARTNER_COOKIE, 'PATCH', '/files/{id}', params=[''],
     headers=['Tus-Resumable: 1.0.0', 'Upload-Offset: 5',
              'Content-Type: application/offset+octet-stream',
              'Upload-Checksum: sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0='], body=b'hello')
seed('tus_delete', PARTNER, 'DELETE', '/files/{id}', params=[''],
     headers=['Tus-Resumable: 1.0.0'])
seed('page_home', PARTNER_COOKIE, 'GET', '/', headers=['Accept: text/html'])
seed('page_signin', NOBODY | CT, 'POST', '/',
     body='email=admin%40fuzz.test&password=fuzzing+password+1&next=%2Fplan')
seed('page_partner_new', ADMIN_COOKIE | CT, 'POST', '/partners/new',
     body='name=Form+Films&contact_email=f%40f.test&time_zone=Europe%2FParis&channels=on')
seed('page_request_post', PARTNER_COOKIE | CT, 'POST', '/requests/{id}', params=['1'],
     body='body=thanks&action=message')
seed('page_questionnaire', PARTNER_COOKIE, 'GET', '/partners/{id}/questionnaire', params=['2'])
seed('page_upload', PARTNER_COOKIE, 'GET', '/upload')
seed('page_account_post', ADMIN_COOKIE | CT, 'POST', '/account',
     body='action=token&label=x&days=7')
seed('static', NOBODY, 'GET', '/static/{name}', params=['app.css'])
seed('static_pct', NOBODY, 'GET', '/static/{name}', params=['%2e%2e%2fapp.css'])
seed('pct_path', ADMIN, 'GET', '/api/v1/partners/{id}', params=['%32'])
raw('raw_get_me', b'GET /api/v1/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
raw('raw_pct', b'GET /api/v1/partners/%31?q=%C3%A9&x=%2 HTTP/1.1\r\nHost: x\r\n'
               b'Cookie: vodgate_session=abc; a=b\r\nConnection: close\r\n\r\n')
raw('raw_chunked', b'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n'
                   b'Content-Type: application/json\r\nConnection: close\r\n\r\n'
                   b'5\r\n{"a":\r\n2\r\n1}\r\n0\r\n\r\n')
raw('raw_http10', b'GET /healthz HTTP/1.0\r\n\r\n')
raw('raw_override', b'POST /files/x HTTP/1.1\r\nHost: x\r\nX-HTTP-Method-Override: PATCH\r\n'
                    b'Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Length: 0\r\n'
                    b'Connection: close\r\n\r\n')
