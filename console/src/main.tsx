import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';

// Three chunks: the two member pages (plain CSS, light) and the operator console (antd).
const JoinPage = lazy(() => import('./member/JoinPage.tsx'));
const ChatPage = lazy(() => import('./member/ChatPage.tsx'));
const ConsoleApp = lazy(() => import('./console/ConsoleApp.tsx'));

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <BrowserRouter>
      <Suspense fallback={<div className="boot" />}>
        <Routes>
          <Route path="/join/:code" element={<JoinPage />} />
          <Route path="/chat/:groupId" element={<ChatPage />} />
          <Route path="/chat/:groupId/assistant" element={<ChatPage kind="direct" />} />
          <Route path="/*" element={<ConsoleApp />} />
        </Routes>
      </Suspense>
    </BrowserRouter>
  </StrictMode>,
);
